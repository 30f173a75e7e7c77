#include "objecttooltip.h"

#include "previewscene.h"

#include <QCoreApplication>

namespace ango::app {

namespace {

QString tr(const char *text, int n = -1)
{
    return QCoreApplication::translate("ango::app::ObjectToolTip", text, nullptr, n);
}

QString firstLines(const QString &text, int maxLines)
{
    qsizetype at = -1;
    for (int line = 0; line < maxLines; ++line) {
        at = text.indexOf(u'\n', at + 1);
        if (at < 0)
            return text;
    }
    return text.left(at) + QStringLiteral("\n…");
}

QString textMember(const nlohmann::json &object, const char *key)
{
    const auto it = object.is_object() ? object.find(key) : object.end();
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                                 : QString();
}

} // namespace

QString answerPath(const QString &pathInAnswer)
{
    return pathInAnswer.isEmpty() ? QStringLiteral("answer")
                                  : QStringLiteral("answer.") + pathInAnswer;
}

QString objectToolTip(const PreviewScene &scene, int objectIndex, int jsonLines)
{
    const nlohmann::json &object = scene.objectJson(objectIndex);
    const ClassPalette &palette = scene.palette();
    const QString key = ClassPalette::keyOf(object);
    QString modelClass = textMember(object, "modelClass");
    if (modelClass.isEmpty())
        modelClass = palette.nameOf(key);
    const QString label = palette.labelOf(key);

    QString text = answerPath(QStringLiteral("objects[%1]").arg(objectIndex)) + u'\n';
    text += tr("Model class: %1 · Label: %2\n")
                .arg(modelClass, label.isEmpty() ? tr("(not in the label set)") : label);
    const QList<ListedProblem> problems = scene.problemsOfObject(objectIndex);
    text += problems.isEmpty() ? tr("No problems") : tr("%n problem(s):", int(problems.size()));
    for (const ListedProblem &problem : problems)
        text += QStringLiteral("\n%1 %2: %3")
                    .arg(problem.error ? QStringLiteral("✖") : QStringLiteral("⚠"),
                         answerPath(problem.path), problem.message);
    text += QStringLiteral("\n\n");
    text += firstLines(QString::fromStdString(object.dump(2)), jsonLines);
    return text;
}

} // namespace ango::app
