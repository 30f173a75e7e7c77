#include "evalproject.h"

#include "eval/projectassets.h"

#include <QCoreApplication>

#include <cstdio>

namespace ango::app {

Result<eval::Dataset> loadProjectDataset(const EvalOptions &options)
{
    eval::ProjectSource source;
    source.apiHost = options.apiHost;
    source.apiKey = options.apiKey;
    source.projectId = options.project;
    source.maxPages = options.maxPages;
    eval::ProjectAssetsLoader loader(source);
    QObject::connect(
        &loader, &eval::ProjectAssetsLoader::pageLoaded, &loader,
        [&options](int page, qsizetype assets, qint64 total) {
            const QByteArray line
                = QStringLiteral("ango-console eval: project %1: page %2, %3%4 assets\n")
                      .arg(options.project)
                      .arg(page)
                      .arg(assets)
                      .arg(total >= 0 ? QStringLiteral(" of %1").arg(total) : QString())
                      .toUtf8();
            std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
        });
    std::optional<Result<eval::Dataset>> loaded;
    loader.load([&loaded](Result<eval::Dataset> dataset) {
        loaded = std::move(dataset);
        QCoreApplication::exit(0);
    });
    // Not nested: the command has not entered its loop yet; this one ends when the listing does,
    // and runEvalCommand() enters its own for the batch afterwards.
    QCoreApplication::exec();
    if (!loaded)
        return makeError(
            QStringLiteral("project %1: the listing was interrupted").arg(options.project));
    return std::move(*loaded);
}

} // namespace ango::app
