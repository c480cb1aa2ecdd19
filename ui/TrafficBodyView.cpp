#include "TrafficBodyView.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace Switchyard {

TrafficBodyView::TrafficBodyView(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_notes = new QLabel(this);
    m_notes->setWordWrap(true);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notes->hide();
    layout->addWidget(m_notes);

    m_stack = new QStackedWidget(this);
    m_text = new QPlainTextEdit(m_stack);
    m_text->setReadOnly(true);
    m_text->setPlaceholderText(tr("No body"));
    m_stack->addWidget(m_text);
    m_imageArea = new QScrollArea(m_stack);
    m_image = new QLabel(m_imageArea);
    m_image->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_imageArea->setWidget(m_image);
    m_imageArea->setWidgetResizable(false);
    m_stack->addWidget(m_imageArea);
    layout->addWidget(m_stack, 1);
}

void TrafficBodyView::setPresentation(const BodyPresentation& presentation)
{
    m_kind = presentation.kind;
    m_notes->setText(presentation.notes.join(QStringLiteral(" · ")));
    m_notes->setVisible(!presentation.notes.isEmpty());
    if (presentation.kind == BodyPresentation::Kind::Image) {
        m_shownImage = presentation.image;
        m_image->setPixmap(QPixmap::fromImage(presentation.image));
        m_image->adjustSize();
        m_text->clear();
        m_stack->setCurrentWidget(m_imageArea);
        return;
    }
    m_shownImage = QImage();
    m_image->clear();
    const bool monospace = presentation.kind == BodyPresentation::Kind::Json ||
                           presentation.kind == BodyPresentation::Kind::Hex;
    m_text->setFont(monospace ? QFontDatabase::systemFont(QFontDatabase::FixedFont) : font());
    m_text->setLineWrapMode(presentation.kind == BodyPresentation::Kind::Text
                                ? QPlainTextEdit::WidgetWidth
                                : QPlainTextEdit::NoWrap);
    m_text->setPlainText(presentation.text);
    m_stack->setCurrentWidget(m_text);
}

void TrafficBodyView::clear()
{
    setPresentation(BodyPresentation());
}

QString TrafficBodyView::text() const
{
    return m_text->toPlainText();
}

QString TrafficBodyView::notes() const
{
    return m_notes->text();
}

} // namespace Switchyard
