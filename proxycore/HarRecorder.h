#pragma once

#include "HarWriter.h"
#include "LogEvent.h"

#include <QSaveFile>
#include <QString>

namespace Switchyard {

/// A HAR file written while a run goes on: each finished exchange becomes an
/// entry as it arrives, so memory stays flat however long the run is (a
/// headless capture used to hold every exchange, bodies included, until it
/// stopped). The file appears complete at commit() or not at all (QSaveFile):
/// an existing file is only replaced by a whole document.
class HarRecorder
{
public:
    explicit HarRecorder(bool maskSensitiveHeaders = true);
    HarRecorder(const HarRecorder&) = delete;
    HarRecorder& operator=(const HarRecorder&) = delete;

    /// Before open(): whether sensitive header values are masked (default yes).
    void setMaskSensitiveHeaders(bool mask) { m_writer.setMaskSensitiveHeaders(mask); }

    /// Starts the document. Empty on success, else why not.
    QString open(const QString& path);
    bool isOpen() const { return m_file.isOpen(); }
    /// Appends one finished exchange. After a write error nothing more is
    /// written and commit() reports the error.
    void add(const LogEvent& event);
    qsizetype count() const { return m_count; }
    /// Ends the document and puts it in place. Empty on success.
    QString commit();
    /// Drops what was written; the path stays as it was.
    void discard();

private:
    HarWriter m_writer;
    QSaveFile m_file;
    QString m_path;
    QString m_error;
    qsizetype m_count = 0;
};

} // namespace Switchyard
