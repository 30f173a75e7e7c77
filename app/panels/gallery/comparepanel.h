#pragma once

#include "callbacks/callback.h"
#include "eval/batchrun.h"
#include "eval/comparison.h"
#include "eval/predictions.h"
#include "panels/gallery/evalpanel.h"

#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace ango::runtime {
class PluginRuntime;
}

namespace ango::app {

class SplitPreview;

// The Evaluate tab's A/B: A is the tab's last run; B is the same dataset with another configJSON
// (the window's callback), another callback spec, or a report `ango-console eval --out` saved.
// Shows per-class deltas (B − A, the largest change first), the images sorted by the largest
// per-image difference, and opens one in a split preview (A left, B right).
class ComparePanel final : public QWidget
{
    Q_OBJECT

public:
    enum class Source { Config = 0, Callback, Report };

    ComparePanel(std::function<runtime::PluginRuntime *()> runtime,
                 std::function<EvalSetup()> setup, QWidget *parent = nullptr);
    ~ComparePanel() override;

    // A: the evaluation that just ran (all must outlive the next setA). A null dataset clears
    // A, B and the tables (before the dataset goes away).
    void setA(const eval::Dataset *dataset, const eval::ClassMapping *mapping,
              const std::vector<eval::ImageRun> *runs, const eval::EvalResult *metrics,
              const EvalSetup &setupA);
    // Starts B (a batch through the result cache) or reads the saved report; compared() or
    // failed() follows, from the event loop.
    void compareWith(Source source, const QString &text);
    void openImage(int row); // a row of the image table

    const eval::Comparison *comparison() const { return m_comparison ? &*m_comparison : nullptr; }
    QTableWidget *classTable() const { return m_classes; }
    QTableWidget *imageTable() const { return m_images; }
    SplitPreview *splitPreview() const { return m_split; }
    QString status() const;

Q_SIGNALS:
    void compared();
    void failed(const QString &message);

private:
    void fail(const QString &message);
    void runB(const QString &spec, const std::optional<QString> &config, bool ownCallback);
    void batchBFinished(bool cancelled);
    void show(eval::ScoreCard b);
    void fillTables();
    void resetB();

    std::function<runtime::PluginRuntime *()> m_runtime;
    std::function<EvalSetup()> m_setup;
    const eval::Dataset *m_dataset = nullptr;
    const eval::ClassMapping *m_mapping = nullptr;
    const std::vector<eval::ImageRun> *m_runsA = nullptr;
    const eval::EvalResult *m_metricsA = nullptr;
    EvalSetup m_setupA;
    // B's own callback (Source::Callback); the batch goes first, then its runtime and callback.
    std::unique_ptr<callbacks::Callback> m_callbackB;
    std::unique_ptr<runtime::PluginRuntime> m_runtimeB;
    std::unique_ptr<eval::BatchRun> m_batchB;
    QString m_labelB;
    bool m_bHasAnswers = false;
    bool m_bRunning = false;
    std::optional<eval::Comparison> m_comparison;
    QComboBox *m_source;
    QLineEdit *m_input;
    QPushButton *m_browse;
    QPushButton *m_compare;
    QLabel *m_status;
    QTableWidget *m_classes;
    QTableWidget *m_images;
    SplitPreview *m_split;
};

} // namespace ango::app
