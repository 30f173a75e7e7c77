#include "annotation/shapes.h"
#include "annotation/jsonwords.h"

#include <QStringList>

#include <cmath>
#include <numbers>

using nlohmann::json;

namespace ango::annotation::detail {

void ProblemList::error(std::string path, QString message)
{
    m_problems.push_back(Problem{std::move(path), std::move(message), Severity::Error});
}

void ProblemList::warning(std::string path, QString message)
{
    m_problems.push_back(Problem{std::move(path), std::move(message), Severity::Warning});
}

void Extent::add(double x, double y)
{
    if (empty) {
        minX = maxX = x;
        minY = maxY = y;
        empty = false;
        return;
    }
    minX = std::min(minX, x);
    maxX = std::max(maxX, x);
    minY = std::min(minY, y);
    maxY = std::max(maxY, y);
}

void Extent::add(const Extent &other)
{
    if (other.empty)
        return;
    add(other.minX, other.minY);
    add(other.maxX, other.maxY);
}

namespace {

// A coordinate or size: a finite JSON number. nlohmann keeps NaN and infinity when the JSON was
// built from C++ doubles, and Python's json module writes them as NaN/Infinity literals.
std::optional<double> readNumber(const json &value, const std::string &path, const QString &what,
                                 ProblemList &problems)
{
    if (!value.is_number()) {
        problems.error(path, what + u" must be a number, but it is " + describe(value) + u'.');
        return std::nullopt;
    }
    const double d = value.get<double>();
    if (!std::isfinite(d)) {
        problems.error(path,
                       what + u" must be a finite number, but it is " + describe(value) + u'.');
        return std::nullopt;
    }
    return d;
}

std::optional<double> readMember(const json &owner, const char *key, const std::string &ownerPath,
                                 const QString &shapeName, ProblemList &problems)
{
    const std::string path = member(ownerPath, key);
    const auto it = owner.find(key);
    if (it == owner.end()) {
        problems.error(path, u"is missing: a " + shapeName + u" needs "
                                 + (shapeName == u"rotated-bounding-box"
                                        ? QStringLiteral("x, y, width, height and rotation.")
                                        : QStringLiteral("x, y, width and height.")));
        return std::nullopt;
    }
    return readNumber(*it, path, QString::fromLatin1(key), problems);
}

bool checkPositive(double size, const char *key, const std::string &ownerPath,
                   ProblemList &problems)
{
    if (size > 0)
        return true;
    problems.error(member(ownerPath, key), u"is " + number(size) + u": the " + QLatin1String(key)
                                               + u" of a box must be greater than 0.");
    return false;
}

// [x, y]
std::optional<Extent> readPoint(const json &point, const std::string &path, ProblemList &problems)
{
    if (!point.is_array() || point.size() != 2) {
        problems.error(path, u"must be a point [x, y], but it is " + describe(point) + u'.');
        return std::nullopt;
    }
    const auto x = readNumber(point[0], index(path, 0), QStringLiteral("x"), problems);
    const auto y = readNumber(point[1], index(path, 1), QStringLiteral("y"), problems);
    if (!x || !y)
        return std::nullopt;
    Extent extent;
    extent.add(*x, *y);
    return extent;
}

// [[x, y], ...] with at least minPoints points.
std::optional<Extent> readPointList(const json &list, const std::string &path,
                                    std::size_t minPoints, const QString &what,
                                    ProblemList &problems)
{
    if (!list.is_array()) {
        problems.error(path, u"must be a list of points [[x, y], ...], but it is " + describe(list)
                                 + u'.');
        return std::nullopt;
    }
    bool readable = true;
    Extent extent;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (const auto point = readPoint(list[i], index(path, i), problems))
            extent.add(*point);
        else
            readable = false;
    }
    if (list.size() < minPoints) {
        problems.error(path, u"has " + QString::number(list.size()) + u" point"
                                 + (list.size() == 1 ? u"" : u"s") + u": " + what
                                 + u" needs at least " + QString::number(minPoints) + u'.');
        return std::nullopt;
    }
    if (!readable)
        return std::nullopt;
    return extent;
}

bool expectObject(const json &value, const std::string &path, ProblemList &problems)
{
    if (value.is_object())
        return true;
    problems.error(path, u"must be an object, but it is " + describe(value) + u'.');
    return false;
}

std::optional<Extent> checkBox(const json &box, const std::string &path, bool rotated,
                               ProblemList &problems)
{
    const QString name
        = rotated ? QStringLiteral("rotated-bounding-box") : QStringLiteral("bounding-box");
    if (!expectObject(box, path, problems))
        return std::nullopt;
    const auto x = readMember(box, "x", path, name, problems);
    const auto y = readMember(box, "y", path, name, problems);
    const auto width = readMember(box, "width", path, name, problems);
    const auto height = readMember(box, "height", path, name, problems);
    bool measurable = x && y && width && height;
    if (width)
        measurable = checkPositive(*width, "width", path, problems) && measurable;
    if (height)
        measurable = checkPositive(*height, "height", path, problems) && measurable;

    double degrees = 0;
    if (rotated) {
        const auto rotation = readMember(box, "rotation", path, name, problems);
        if (rotation && (*rotation < -180 || *rotation > 180)) {
            problems.error(member(path, "rotation"),
                           u"is " + number(*rotation)
                               + u" degrees: rotation must be between -180 and 180.");
        }
        measurable = measurable && rotation.has_value();
        degrees = rotation.value_or(0);
    }
    if (!measurable)
        return std::nullopt;

    // x, y is the top-left corner of the unrotated box, which turns around its centre.
    const double radians = degrees * std::numbers::pi / 180.0;
    const double halfW = *width / 2;
    const double halfH = *height / 2;
    const double reachX = std::abs(halfW * std::cos(radians)) + std::abs(halfH * std::sin(radians));
    const double reachY = std::abs(halfW * std::sin(radians)) + std::abs(halfH * std::cos(radians));
    const double centreX = *x + halfW;
    const double centreY = *y + halfH;
    Extent extent;
    extent.add(centreX - reachX, centreY - reachY);
    extent.add(centreX + reachX, centreY + reachY);
    return extent;
}

std::optional<Extent> checkSegmentation(const json &segmentation, const std::string &path,
                                        ProblemList &problems)
{
    if (!expectObject(segmentation, path, problems))
        return std::nullopt;
    const std::string zonesPath = member(path, "zones");
    const auto zones = segmentation.find("zones");
    if (zones == segmentation.end()) {
        problems.error(zonesPath, QStringLiteral("is missing: a segmentation needs "
                                                 "{\"zones\": [{\"region\": [[x, y], ...]}]}."));
        return std::nullopt;
    }
    if (!zones->is_array() || zones->empty()) {
        problems.error(zonesPath, u"must be a list with at least one zone, but it is "
                                      + describe(*zones) + u'.');
        return std::nullopt;
    }
    bool readable = true;
    Extent extent;
    for (std::size_t z = 0; z < zones->size(); ++z) {
        const json &zone = (*zones)[z];
        const std::string zonePath = index(zonesPath, z);
        if (!expectObject(zone, zonePath, problems)) {
            readable = false;
            continue;
        }
        const auto region = zone.find("region");
        if (region == zone.end()) {
            problems.error(member(zonePath, "region"),
                           QStringLiteral("is missing: every zone needs a region [[x, y], ...]."));
            readable = false;
        } else if (const auto regionExtent = readPointList(*region, member(zonePath, "region"), 3,
                                                           QStringLiteral("a region"), problems)) {
            extent.add(*regionExtent);
        } else {
            readable = false;
        }

        const auto holes = zone.find("holes");
        if (holes == zone.end() || holes->is_null())
            continue;
        const std::string holesPath = member(zonePath, "holes");
        if (!holes->is_array()) {
            problems.error(holesPath, u"must be a list of holes [[[x, y], ...], ...], but it is "
                                          + describe(*holes) + u'.');
            readable = false;
            continue;
        }
        for (std::size_t h = 0; h < holes->size(); ++h) {
            if (!readPointList((*holes)[h], index(holesPath, h), 3, QStringLiteral("a hole"),
                               problems))
                readable = false;
        }
    }
    if (!readable)
        return std::nullopt;
    return extent;
}

QString edge(double overshoot, const char *side)
{
    return number(overshoot) + u" px past the " + QLatin1String(side) + u" edge";
}

} // namespace

std::optional<Extent> checkShape(std::string_view key, const json &shape, const std::string &path,
                                 ProblemList &problems)
{
    if (key == "bounding-box")
        return checkBox(shape, path, false, problems);
    if (key == "rotated-bounding-box")
        return checkBox(shape, path, true, problems);
    if (key == "polygon")
        return readPointList(shape, path, 3, QStringLiteral("a polygon"), problems);
    if (key == "polyline")
        return readPointList(shape, path, 2, QStringLiteral("a polyline"), problems);
    if (key == "point")
        return readPoint(shape, path, problems);
    if (key == "segmentation")
        return checkSegmentation(shape, path, problems);
    return std::nullopt;
}

void checkInsideImage(const Extent &extent, QSize image, const std::string &path,
                      ProblemList &problems)
{
    if (extent.empty || image.width() <= 0 || image.height() <= 0)
        return;
    const double width = image.width();
    const double height = image.height();
    QStringList overshoots;
    if (extent.minX < 0)
        overshoots << edge(-extent.minX, "left");
    if (extent.minY < 0)
        overshoots << edge(-extent.minY, "top");
    if (extent.maxX > width)
        overshoots << edge(extent.maxX - width, "right");
    if (extent.maxY > height)
        overshoots << edge(extent.maxY - height, "bottom");
    if (overshoots.isEmpty())
        return;

    const QString size = QString::number(image.width()) + u'x' + QString::number(image.height());
    const QString where = overshoots.join(QStringLiteral(", "));
    // Nothing of it inside the image usually means normalised (0..1) or swapped coordinates.
    const bool entirelyOutside
        = extent.maxX <= 0 || extent.maxY <= 0 || extent.minX >= width || extent.minY >= height;
    if (entirelyOutside)
        problems.error(path, u"lies entirely outside the " + size + u" image (" + where + u").");
    else
        problems.warning(path, u"reaches outside the " + size + u" image: " + where + u'.');
}

} // namespace ango::annotation::detail
