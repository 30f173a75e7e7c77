#pragma once

#include "logfiltermodel.h"
#include "logging/logentry.h"
#include "logging/redact.h"
#include "logmodel.h"

#include <QWidget>

#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QTabWidget;
class QTableView;
class QTimer;

namespace ango::app {

class LogDetailView;
class LogExporter;
class LogView;
class RequestTimelineModel;

// The live request log dock: filter bar, table, and below it the selected entry in full and the
// timeline of its request. Entries come in through append()/appendBatch() (the runtime's
// logged() signal); replay is a request to the caller, who owns the callback.
class LogPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogPanel)

public:
    explicit LogPanel(QWidget *parent = nullptr);
    ~LogPanel() override;

    LogModel *model() const { return m_model; }
    LogFilterModel *filterModel() const { return m_filter; }
    LogView *view() const { return m_view; }
    LogDetailView *detailView() const { return m_detail; }
    RequestTimelineModel *timelineModel() const { return m_timeline; }

    // Known secrets to mask in the detail pane and in exports (in addition to secret-like keys).
    void setRedactor(const logging::Redactor &redactor);

    // The entry under the cursor, if it is still stored.
    std::optional<logging::LogEntry> currentEntry() const;
    // The recorded `plugin` payload of the current entry, if it is a request that can be
    // replayed (secrets in it were masked when it was logged).
    std::optional<nlohmann::json> replayablePayload() const;

    // Starts writing JSON lines; the exporter reports through exportFinished() as well.
    LogExporter *exportToFile(const QString &path, bool selectedOnly);

    QAction *exportSelectedAction() const { return m_exportSelectedAction; }
    QAction *exportAllAction() const { return m_exportAllAction; }
    QAction *replayAction() const { return m_replayAction; }
    QAction *clearAction() const { return m_clearAction; }
    QLineEdit *filterEdit() const { return m_filterEdit; }

public Q_SLOTS:
    void append(const ango::logging::LogEntry &entry);
    void appendBatch(const QList<ango::logging::LogEntry> &entries);
    void replayCurrent();

Q_SIGNALS:
    void replayRequested(const nlohmann::json &payload);
    void exportFinished(bool ok, const QString &message);

private:
    void applyFilter();
    void onCurrentChanged();
    void onLogRowsInserted(const QModelIndex &parent, int first, int last);
    void showTimelineOf(const QString &session);
    void updateStepStrip();
    void chooseExportFile(bool selectedOnly);

    LogModel *m_model = nullptr;
    LogFilterModel *m_filter = nullptr;
    LogView *m_view = nullptr;
    LogDetailView *m_detail = nullptr;
    RequestTimelineModel *m_timeline = nullptr;
    QTableView *m_timelineView = nullptr;
    QLabel *m_stepStrip = nullptr;
    QTabWidget *m_tabs = nullptr;
    QLineEdit *m_filterEdit = nullptr;
    QComboBox *m_kindCombo = nullptr;
    QComboBox *m_statusCombo = nullptr;
    QComboBox *m_levelCombo = nullptr;
    QLabel *m_countLabel = nullptr;
    QTimer *m_filterDelay = nullptr;
    QAction *m_exportSelectedAction = nullptr;
    QAction *m_exportAllAction = nullptr;
    QAction *m_replayAction = nullptr;
    QAction *m_clearAction = nullptr;
    logging::Redactor m_redactor;
};

} // namespace ango::app
