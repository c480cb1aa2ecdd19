#pragma once

#include "BodyPresentation.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QScrollArea;
class QStackedWidget;

namespace Switchyard {

/// Shows one BodyPresentation: text, pretty JSON and hex dumps in a read-only
/// editor, pictures as pictures, and the notes (decoded from gzip, truncated …)
/// above them.
class TrafficBodyView : public QWidget
{
    Q_OBJECT
public:
    explicit TrafficBodyView(QWidget* parent = nullptr);

    void setPresentation(const BodyPresentation& presentation);
    void clear();

    BodyPresentation::Kind kind() const { return m_kind; }
    /// The text shown (empty for pictures).
    QString text() const;
    QString notes() const;
    /// The picture shown, null unless kind() is Image.
    QImage image() const { return m_shownImage; }

private:
    QLabel* m_notes = nullptr;
    QStackedWidget* m_stack = nullptr;
    QPlainTextEdit* m_text = nullptr;
    QScrollArea* m_imageArea = nullptr;
    QLabel* m_image = nullptr;
    BodyPresentation::Kind m_kind = BodyPresentation::Kind::Empty;
    QImage m_shownImage;
};

} // namespace Switchyard
