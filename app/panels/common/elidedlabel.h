#pragma once

#include <QLabel>

namespace ango::app {

// A label for text from outside (status lines, tracebacks, paths): it wraps up to maxLines lines
// and elides the rest, so a long message never widens or heightens the window. The full text is
// its tooltip and can be copied from its context menu. Plain text only.
class ElidedLabel final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ElidedLabel)

public:
    explicit ElidedLabel(QWidget *parent = nullptr, int maxLines = 1);
    ~ElidedLabel() override;

    void setMaxLines(int lines);
    int maxLines() const { return m_maxLines; }
    // How wide the label asks to be, in average characters (it shrinks below that freely).
    void setPreferredChars(int chars);
    // The text as drawn at the current size (elided lines joined with '\n').
    QString displayedText() const;
    bool isElided() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return false; }

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    QStringList linesFor(int width, int maxLines, bool *elided) const;
    int visibleLines() const;

    int m_maxLines = 1;
    int m_preferredChars = 32;
};

} // namespace ango::app
