#include "previewpanel.h"

#include "imagedecoding.h"
#include "objectslist.h"
#include "previewview.h"

#include "panels/common/elidedlabel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace ango::app {

namespace {

constexpr int kObjectRole = Qt::UserRole + 2;

QToolButton *toolButton(const QString &text, const QString &toolTip, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(toolTip);
    button->setAutoRaise(true);
    return button;
}

} // namespace

PreviewPanel::PreviewPanel(QWidget *parent)
    : QWidget(parent)
    , m_scene(new PreviewScene(this))
    , m_view(new PreviewView(m_scene, this))
    , m_classList(new ObjectsList(m_scene, this))
    , m_problemList(new QListWidget(this))
    , m_problemHeader(new QLabel(this))
    , m_zoomLabel(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_notice(new ElidedLabel(this, 2))
{
    m_notice->setObjectName(QStringLiteral("previewNotice"));
    m_notice->setStyleSheet(QStringLiteral("color: #d9534f; padding: 4px;"));
    m_notice->hide();
    m_view->setObjectName(QStringLiteral("previewView"));
    m_problemList->setObjectName(QStringLiteral("previewProblemList"));
    m_problemList->setToolTip(tr("Validation problems; activate one to show its object"));
    m_problemList->setWordWrap(true);

    auto *zoomIn = toolButton(QStringLiteral("+"), tr("Zoom in (+)"), this);
    auto *zoomOut = toolButton(QStringLiteral("−"), tr("Zoom out (-)"), this);
    auto *fit = toolButton(tr("Fit"), tr("Fit the image to the view (0)"), this);
    auto *labels = new QCheckBox(tr("Labels"), this);
    labels->setObjectName(QStringLiteral("previewLabelsToggle"));
    labels->setChecked(true);
    labels->setToolTip(tr("Class labels (shown while few objects are on screen)"));
    connect(zoomIn, &QToolButton::clicked, m_view, &PreviewView::zoomIn);
    connect(zoomOut, &QToolButton::clicked, m_view, &PreviewView::zoomOut);
    connect(fit, &QToolButton::clicked, m_view, &PreviewView::fitToContent);
    connect(labels, &QCheckBox::toggled, m_view, &PreviewView::setLabelsShown);
    connect(m_view, &PreviewView::zoomChanged, this, &PreviewPanel::showZoom);

    auto *toolbar = new QHBoxLayout;
    toolbar->setContentsMargins(4, 2, 4, 2);
    for (QWidget *widget :
         std::initializer_list<QWidget *>{zoomOut, m_zoomLabel, zoomIn, fit, labels})
        toolbar->addWidget(widget);
    toolbar->addStretch();
    toolbar->addWidget(m_summary);

    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(new QLabel(tr("Objects per class"), side));
    sideLayout->addWidget(m_classList, 1);
    sideLayout->addWidget(m_problemHeader);
    sideLayout->addWidget(m_problemList, 1);
    side->setMinimumWidth(150);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_view);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setCollapsible(0, false);
    // The image gets the room; the lists a narrow column (sizes scale to the real width).
    splitter->setSizes({800, 200});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(toolbar);
    layout->addWidget(m_notice);
    layout->addWidget(splitter, 1);

    connect(m_scene, &PreviewScene::problemsChanged, this, &PreviewPanel::rebuildProblemList);
    connect(m_classList, &ObjectsList::overlayChanged, m_view->viewport(),
            qOverload<>(&QWidget::update));
    connect(m_problemList, &QListWidget::itemActivated, this, &PreviewPanel::onProblemActivated);
    connect(m_problemList, &QListWidget::itemClicked, this, &PreviewPanel::onProblemActivated);
    rebuildProblemList();
    showZoom(m_view->zoom());
}

PreviewPanel::~PreviewPanel()
{
    // The scene (a child) clears its items after this destructor: no signals to us by then.
    m_scene->disconnect(this);
}

void PreviewPanel::setImage(const QImage &image)
{
    ++m_imageTicket; // a decode still running must not replace this image
    Q_EMIT imageReplaced();
    m_imageSource.clear();
    m_imageFailed = false;
    showNotice({});
    m_scene->setImage(image);
    if (m_view->isFitted())
        m_view->fitToContent();
}

void PreviewPanel::loadImageFile(const QString &path)
{
    decode({}, path);
}

void PreviewPanel::loadImageData(const QByteArray &bytes)
{
    decode(bytes, {});
}

void PreviewPanel::decode(QByteArray bytes, QString path)
{
    const quint64 ticket = ++m_imageTicket;
    Q_EMIT imageReplaced();
    const QString source = path.isEmpty()
                               ? QStringLiteral("bytes:%1:%2").arg(qHash(bytes)).arg(bytes.size())
                               : QStringLiteral("file:") + path;
    if (source != m_imageSource || m_imageFailed) {
        // Until the new image is decoded, objects show on no image rather than the old one.
        m_scene->setImage(QImage());
        m_imageSource = source;
    }
    m_imageFailed = false;
    showNotice({});
    decodeImageAsync(this, std::move(bytes), path,
                     [this, ticket, path](const DecodedImage &decoded) {
                         if (ticket != m_imageTicket)
                             return; // superseded by a newer image
                         if (decoded.image.isNull()) {
                             m_imageFailed = true;
                             m_scene->setImage(QImage());
                             m_scene->setAnswer(nlohmann::json::object());
                             m_summary->clear();
                             const QString what
                                 = path.isEmpty() ? tr("The image") : tr("The image %1").arg(path);
                             showNotice(tr("%1 could not be decoded: %2. No objects are drawn.")
                                            .arg(what, decoded.error));
                             Q_EMIT imageLoadFailed(decoded.error);
                             return;
                         }
                         m_scene->setImage(decoded.image, decoded.originalSize);
                         if (m_view->isFitted())
                             m_view->fitToContent();
                         Q_EMIT imageLoaded(decoded.originalSize);
                     });
}

QString PreviewPanel::notice() const
{
    return m_notice->isHidden() ? QString() : m_notice->text();
}

void PreviewPanel::showNotice(const QString &text)
{
    m_notice->setText(text);
    m_notice->setToolTip(text);
    m_notice->setVisible(!text.isEmpty());
}

void PreviewPanel::setClasses(const QList<ClassInfo> &classes)
{
    m_scene->setClasses(classes);
}

void PreviewPanel::setAnswer(const nlohmann::json &answer)
{
    if (m_imageFailed) {
        // Objects of an image that is not on screen would be drawn over nothing (or mislead).
        m_scene->setAnswer(nlohmann::json::object());
        const auto objects = answer.is_object() ? answer.value("objects", nlohmann::json::array())
                                                : nlohmann::json::array();
        m_summary->setText(tr("%n object(s) not drawn: no image", nullptr,
                              objects.is_array() ? int(objects.size()) : 0));
        return;
    }
    m_scene->setAnswer(answer);
    m_summary->setText(tr("%n object(s)", nullptr, int(m_scene->overlayItems().size())));
    if (m_view->isFitted())
        m_view->fitToContent();
    m_view->viewport()->update();
}

void PreviewPanel::setProblems(const QList<ListedProblem> &problems)
{
    m_scene->setProblems(problems);
    m_view->viewport()->update();
}

void PreviewPanel::setProblems(const std::vector<annotation::Problem> &problems)
{
    setProblems(listedProblems(problems));
}

void PreviewPanel::clear()
{
    ++m_imageTicket;
    Q_EMIT imageReplaced();
    m_imageSource.clear();
    m_imageFailed = false;
    showNotice({});
    m_scene->setImage(QImage());
    m_scene->setProblems({});
    m_scene->setAnswer(nlohmann::json::object());
    m_summary->clear();
}

void PreviewPanel::rebuildProblemList()
{
    m_problemList->clear();
    const QList<ListedProblem> problems = m_scene->problems();
    m_problemHeader->setText(problems.isEmpty() ? tr("No problems")
                                                : tr("Problems (%1)").arg(problems.size()));
    for (const ListedProblem &problem : problems) {
        auto *item = new QListWidgetItem(
            QStringLiteral("%1 — %2").arg(problem.path, problem.message), m_problemList);
        item->setForeground(problem.error ? QColor(0xe5, 0x39, 0x35) : QColor(0xf5, 0x9e, 0x0b));
        item->setData(kObjectRole, problem.objectIndex);
        item->setToolTip(problem.error ? tr("Error") : tr("Warning"));
    }
}

void PreviewPanel::onProblemActivated(QListWidgetItem *item)
{
    const int index = item->data(kObjectRole).toInt();
    if (index < 0)
        return;
    m_view->showObject(index);
    Q_EMIT objectActivated(index);
}

void PreviewPanel::showZoom(qreal factor)
{
    m_zoomLabel->setText(QStringLiteral("%1 %").arg(qRound(factor * 100)));
}

} // namespace ango::app
