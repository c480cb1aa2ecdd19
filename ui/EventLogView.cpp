#include "EventLogView.h"

#include <QFontDatabase>

namespace Switchyard {

EventLogView::EventLogView(QWidget* parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setMaximumBlockCount(maximumLines);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setPlaceholderText(tr("Finished requests appear here."));
}

void EventLogView::appendEvents(const LogEventBatch& events)
{
    QStringList lines;
    for (const LogEvent& event : events) {
        if (event.phase == LogPhase::Finished)
            lines.append(formatLogLine(event));
    }
    if (!lines.isEmpty())
        appendPlainText(lines.join(QLatin1Char('\n')));
}

} // namespace Switchyard
