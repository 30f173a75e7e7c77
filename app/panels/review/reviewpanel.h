#pragma once

#include "annotation/annotation.h"
#include "panels/preview/classpalette.h"
#include "reviewsession.h"

#include <QImage>
#include <QWidget>

#include <nlohmann/json.hpp>

#include <functional>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;

namespace ango::app {

class BoxEditor;
class DiscardConfirm;
class PreviewPanel;

// One result the runtime holds back in hold mode until the user decides.
struct PendingReview
{
    QString id;            // the runtime's handle for the held result (e.g. the session)
    nlohmann::json answer; // normalised {"objects", "classifications", "relations"}
    QString title;         // shown in the queue, e.g. the asset's externalId
    // The asset image, whichever the caller has: decoded, encoded bytes, or a local file.
    QImage image;
    QByteArray imageData;
    QString imagePath;
    std::vector<annotation::Problem> problems; // validation of `answer`
};

// Hold-mode review: shows the waiting results one at a time over their image; the user moves and
// resizes boxes, deletes objects, changes classes, then approves (Upload) or discards.
class ReviewPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewPanel)

public:
    // Re-validates an edited answer, e.g. annotation::validate with the run's context.
    using Validator = std::function<std::vector<annotation::Problem>(const nlohmann::json &)>;

    explicit ReviewPanel(QWidget *parent = nullptr);
    ~ReviewPanel() override;

    PreviewPanel *preview() const { return m_preview; }
    BoxEditor *boxEditor() const { return m_editor; }

    // The classes an object can be changed to (the mapping's targets), also naming and
    // colouring them in the preview.
    void setClasses(const QList<ClassInfo> &classes);
    void setValidator(Validator validator);

    void enqueue(PendingReview review);
    // The runtime gave up on a held result (timeout, disconnect): drop it without a decision.
    void withdraw(const QString &id);
    void setImage(const QString &id, const QImage &image);
    // Encoded bytes (e.g. fetched from the asset's URL), decoded off the GUI thread; the held
    // result shows them once decoded, if it is still waiting by then.
    void setImageData(const QString &id, QByteArray bytes);
    int pendingCount() const { return int(m_queue.size()); }
    QStringList pendingIds() const;
    QString currentId() const;
    void showPending(const QString &id);

    // The result on screen, as edited so far.
    const ReviewSession *currentSession() const;
    int selectedSlot() const { return m_selectedSlot; }
    void selectSlot(int slot);

    // Edits on the result on screen, as the buttons and handles make them; false on failure.
    bool moveBox(int slot, const QRectF &box);
    bool deleteObject(int slot);
    bool changeClass(int slot, const QString &schemaId);
    void revertEdits();

    void approveCurrent();
    // What the Discard button does: asks in place (DiscardConfirm) before anything happens.
    void askDiscard();
    DiscardConfirm *discardConfirm() const { return m_discardConfirm; }
    // Discards at once (the confirmation's Discard, or a caller that decided already).
    void discardCurrent();

Q_SIGNALS:
    // The held result's image failed to decode (setImageData).
    void imageFailed(const QString &id, const QString &message);
    void approveRequested(const QString &id, const nlohmann::json &editedAnswer);
    void discardRequested(const QString &id);
    void answerEdited(const QString &id, const nlohmann::json &editedAnswer);
    void pendingCountChanged(int count);

private:
    struct Entry
    {
        PendingReview review;
        ReviewSession session;
    };

    Entry *current();
    void showEntry(int row);
    void afterEdit(int slot);
    void refreshProblems();
    void onSelectionChanged();
    void onBoxEdited(const QRectF &box);
    void attachEditor();
    void updateControls();
    void removeCurrent();
    void rebuildQueueBox();

    PreviewPanel *m_preview;
    BoxEditor *m_editor;
    QComboBox *m_queueBox;
    QComboBox *m_classBox;
    QPushButton *m_deleteButton;
    QPushButton *m_revertButton;
    QPushButton *m_discardButton;
    QPushButton *m_uploadButton;
    DiscardConfirm *m_discardConfirm;
    QLabel *m_status;
    Validator m_validator;
    std::vector<Entry> m_queue;
    int m_currentRow = -1;
    int m_selectedSlot = -1;
};

} // namespace ango::app
