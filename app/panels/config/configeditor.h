#pragma once

#include "jsontext.h"

#include <QWidget>

class QAction;
class QLabel;
class QPlainTextEdit;

namespace ango::app {

class JsonHighlighter;

// The user's "Config JSON". The hub passes it to the plugin as a string, so the text is handed
// on exactly as typed (configJson()); validation only decides whether Run is allowed.
class ConfigEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConfigEditor)

public:
    explicit ConfigEditor(QWidget *parent = nullptr);
    ~ConfigEditor() override;

    QString configJson() const; // the exact text
    void setConfigJson(const QString &text);
    // Only whitespace: the run is sent without configJSON.
    bool isEmpty() const { return m_check.empty; }
    bool isValid() const { return m_check.valid; }
    // Empty when valid; otherwise "Line L, column C: reason".
    QString validationMessage() const { return m_check.valid ? QString() : m_check.message; }
    // Meaningful only when invalid.
    TextPosition errorPosition() const { return m_check.position; }

    QAction *formatAction() const { return m_formatAction; }
    QAction *minifyAction() const { return m_minifyAction; }
    QPlainTextEdit *textEdit() const { return m_edit; }

public Q_SLOTS:
    void format();
    void minify();
    void goToError();

Q_SIGNALS:
    void configJsonChanged(const QString &text);
    // Emitted when validity or the error message changes; message is empty when valid.
    void validityChanged(bool valid, const QString &message);

protected:
    void changeEvent(QEvent *event) override;

private:
    void revalidate();
    void replaceText(const QString &text); // keeps the edit undoable
    void showCheck();

    QPlainTextEdit *m_edit = nullptr;
    QLabel *m_status = nullptr;
    JsonHighlighter *m_highlighter = nullptr;
    QAction *m_formatAction = nullptr;
    QAction *m_minifyAction = nullptr;
    JsonCheck m_check;
};

} // namespace ango::app
