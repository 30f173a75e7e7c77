#pragma once

#include "eval/cocoeval.h"
#include "eval/dataset.h"
#include "panels/preview/evaloverlay.h"

#include <vector>

namespace ango::app {

// The marks of one evaluated image from core/eval's outcome at IoU 0.5 (not matched again here):
// each detection as TP, FP or ignored, each missed ground-truth object as missed, crowd and
// ignored ground truth as ignored. Matched ground truth is not drawn: its TP box stands for it.
std::vector<EvalMark> evalMarks(const eval::Dataset &dataset, std::size_t image,
                                const std::vector<eval::Detection> &detections,
                                const eval::ImageOutcome &outcome);

} // namespace ango::app
