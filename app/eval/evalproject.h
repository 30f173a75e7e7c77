#pragma once

#include "eval/dataset.h"
#include "evaloptions.h"

namespace ango::app {

// `eval --project ID`: the project's assets (and their answers as ground truth) through the REST
// API, page by page (eval/projectassets.h). Runs the application's event loop until the listing
// is done (the batch then runs in the next one); progress on stderr. Errors name the URL and the
// HTTP status, never the key.
Result<eval::Dataset> loadProjectDataset(const EvalOptions &options);

} // namespace ango::app
