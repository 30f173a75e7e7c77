#pragma once

#include "classmapping.h"
#include "classmappingmodel.h"

#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QTableView;

namespace ango::app {

class MappingStore;

// The class-mapping dock: the table, import, and the project whose label set gives the targets.
// Fetching the label set is the caller's job (it holds the API key): the panel asks with
// labelSetRequested() and is answered with setLabelTools() or setLabelSetError().
class ClassMappingPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClassMappingPanel)

public:
    // store may be null (nothing is saved); it must outlive the panel.
    explicit ClassMappingPanel(MappingStore *store = nullptr, QWidget *parent = nullptr);
    ~ClassMappingPanel() override;

    ClassMappingModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    // [{"schemaId", "modelClass"}] or null: what a run sends as categorySchema.
    nlohmann::json categorySchema() const;

    QString projectId() const { return m_projectId; }
    // Saves the current project's mapping, then shows the saved mapping of projectId.
    void setProjectId(const QString &projectId);

    void setLabelTools(const QList<LabelTool> &tools);
    void setLabelSetError(const QString &message);
    // See ClassMappingModel::setReturnedClasses.
    void setReturnedClasses(const QStringList &modelClasses);
    // Merges the classes of a text or JSON file (see parseClassList); returns the rows added.
    Result<int> importFile(const QString &path);

    QAction *addClassAction() const { return m_addAction; }
    QAction *removeClassesAction() const { return m_removeAction; }
    QAction *importAction() const { return m_importAction; }
    QAction *loadLabelSetAction() const { return m_loadLabelSetAction; }

public Q_SLOTS:
    void addClass();
    void removeSelectedClasses();
    void importFromDialog();

Q_SIGNALS:
    void categorySchemaChanged();
    void projectIdChanged(const QString &projectId);
    void labelSetRequested(const QString &projectId);

private:
    void save();
    void updateSummary();
    void showMessage(const QString &message, bool error);

    MappingStore *m_store = nullptr;
    ClassMappingModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QLineEdit *m_projectEdit = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_message = nullptr;
    QAction *m_addAction = nullptr;
    QAction *m_removeAction = nullptr;
    QAction *m_importAction = nullptr;
    QAction *m_loadLabelSetAction = nullptr;
    QString m_projectId;
    bool m_loading = false; // while a saved mapping is shown, nothing needs saving
};

} // namespace ango::app
