#pragma once

#include <QApplication>
#include <QMouseEvent>
#include <QWidget>

#include <nlohmann/json.hpp>

// Answers and input helpers shared by the preview and review tests.
namespace ango::test {

// One object of every shape the preview draws, each with its own class, plus one it cannot draw.
inline nlohmann::json everyShapeAnswer()
{
    return nlohmann::json::parse(R"({
      "objects": [
        {"schemaId": "car", "objectId": "a", "bounding-box": {"x": 20, "y": 30, "width": 50, "height": 60}},
        {"schemaId": "boat", "objectId": "b", "rotated-bounding-box": {"x": 200, "y": 100, "width": 40, "height": 20, "rotation": 90}},
        {"schemaId": "hill", "objectId": "c", "polygon": [[300, 300], [400, 300], [350, 380]]},
        {"schemaId": "road", "objectId": "d", "polyline": [[0, 500], [250, 480], [500, 520]]},
        {"schemaId": "sun", "objectId": "e", "point": [450, 60]},
        {"schemaId": "lake", "objectId": "f", "segmentation": {"zones": [
            {"region": [[100, 600], [300, 600], [300, 700], [100, 700]],
             "holes": [[[180, 630], [220, 630], [220, 670], [180, 670]]]}]}},
        {"schemaId": "car", "objectId": "g", "bounding-box": {"x": "ten", "y": 0, "width": 5, "height": 5}},
        {"schemaId": "car", "objectId": "h", "bounding-box": {"x": 30, "y": 40, "width": 10, "height": 10}}
      ],
      "classifications": [{"schemaId": "weather", "answer": "sunny"}],
      "relations": [{"schemaId": "rel", "title": "near", "from": "a", "to": "h"}]
    })");
}

inline void sendMouse(QWidget *widget, QEvent::Type type, const QPoint &pos, Qt::MouseButton button,
                      Qt::MouseButtons buttons)
{
    QMouseEvent event(type, QPointF(pos), QPointF(widget->mapToGlobal(pos)), button, buttons,
                      Qt::NoModifier);
    QApplication::sendEvent(widget, &event);
}

// A left-button drag in steps, as a hand makes it.
inline void drag(QWidget *widget, const QPoint &from, const QPoint &to)
{
    sendMouse(widget, QEvent::MouseButtonPress, from, Qt::LeftButton, Qt::LeftButton);
    constexpr int steps = 4;
    for (int i = 1; i <= steps; ++i) {
        const QPoint at = from + (to - from) * i / steps;
        sendMouse(widget, QEvent::MouseMove, at, Qt::NoButton, Qt::LeftButton);
    }
    sendMouse(widget, QEvent::MouseButtonRelease, to, Qt::LeftButton, Qt::NoButton);
}

} // namespace ango::test
