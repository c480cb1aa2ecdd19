#pragma once

#include "LogEvent.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Switchyard {

/// What reading a HAR file gave: the entries as log events, or why it could not
/// be read at all.
struct HarImport
{
    QList<LogEvent> events;
    QStringList warnings; ///< entries skipped, one line each
    QString error;        ///< empty when the file was read

    bool ok() const { return error.isEmpty(); }
};

/// Reads HAR 1.2 back into log events, for reading a capture in the traffic
/// view. Files written by HarWriter come back as they were written (its custom
/// "_switchyard" object holds what HAR has no field for); files from browsers
/// and other tools give what HAR says: method, URL, status, headers, bodies,
/// timings, with an unknown route.
class HarReader
{
    Q_DECLARE_TR_FUNCTIONS(HarReader)
public:
    /// Files larger than this are refused rather than read into memory.
    static constexpr qint64 maxFileBytes = qint64(1) << 30;

    static HarImport read(const QByteArray& json);
    static HarImport readFile(const QString& path);
    /// One entry of log.entries; fallbackId when the entry carries no id.
    static LogEvent event(const QJsonObject& entry, quint64 fallbackId);
};

} // namespace Switchyard
