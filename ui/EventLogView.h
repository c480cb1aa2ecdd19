#pragma once

#include "LogEvent.h"

#include <QPlainTextEdit>

namespace Switchyard {

/// A plain, bounded log of finished exchanges, one formatted line each; the
/// oldest lines go once the limit is reached.
class EventLogView : public QPlainTextEdit
{
    Q_OBJECT
public:
    static constexpr int maximumLines = 1000;

    explicit EventLogView(QWidget* parent = nullptr);

    /// Appends a line for every finished event in the batch, in one edit.
    void appendEvents(const LogEventBatch& events);
};

} // namespace Switchyard
