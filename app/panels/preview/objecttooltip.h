#pragma once

#include <QString>

namespace ango::app {

class PreviewScene;

// The JSON path of something in a run's result: core's problem paths are relative to the
// normalised answer ("objects[3].bounding-box.width" -> "answer.objects[3].bounding-box.width").
QString answerPath(const QString &pathInAnswer);

// What hovering an object says, what a user looks for first: where it is in the result
// ("answer.objects[3]"), its model class and label, the validation problems core reported for
// it (never re-validated here), then its JSON, cut after `jsonLines` lines.
QString objectToolTip(const PreviewScene &scene, int objectIndex, int jsonLines);

} // namespace ango::app
