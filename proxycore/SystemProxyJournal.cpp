#include "SystemProxyJournal.h"

#include "AtomicFileWriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace Switchyard {

namespace {

constexpr int journalVersion = 1;
// A journal is a few kilobytes; anything far bigger is not ours.
constexpr qint64 maxJournalBytes = 4 * 1024 * 1024;

} // namespace

SystemProxyJournal::SystemProxyJournal(const QString& path)
    : m_path(path.isEmpty() ? defaultPath() : path)
{}

QString SystemProxyJournal::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           u"/system-proxy-journal.json"_s;
}

QString SystemProxyJournal::lockPath() const
{
    return m_path + u".lock"_s;
}

bool SystemProxyJournal::exists() const
{
    return QFileInfo::exists(m_path);
}

QString SystemProxyJournal::write(const Entry& entry) const
{
    const QString folder = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(folder))
        return tr("cannot create the folder %1").arg(QDir::toNativeSeparators(folder));
    const QJsonObject object{
        {u"version"_s, journalVersion},
        {u"backend"_s, entry.backend},
        {u"previous"_s, entry.previous},
        {u"target"_s, entry.target.toJson()},
        {u"written"_s, entry.written.toUTC().toString(Qt::ISODate)},
        {u"pid"_s, double(entry.processId)},
        {u"applied"_s, entry.applied},
    };
    return AtomicFileWriter::write(m_path, QJsonDocument(object).toJson(QJsonDocument::Indented));
}

std::optional<SystemProxyJournal::Entry> SystemProxyJournal::read(QString* error) const
{
    error->clear();
    const QString shownPath = QDir::toNativeSeparators(m_path);
    QFile file(m_path);
    if (!file.exists())
        return std::nullopt;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read %1: %2").arg(shownPath, file.errorString());
        return std::nullopt;
    }
    if (file.size() > maxJournalBytes) {
        *error = tr("%1 is too large to be a Switchyard system proxy journal").arg(shownPath);
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = tr("%1 is damaged: %2").arg(shownPath, parseError.errorString());
        return std::nullopt;
    }
    const QJsonObject object = document.object();
    if (object.value(u"version"_s).toInt() != journalVersion) {
        *error = tr("%1 was written by another version of Switchyard").arg(shownPath);
        return std::nullopt;
    }
    Entry entry;
    entry.backend = object.value(u"backend"_s).toString();
    entry.previous = object.value(u"previous"_s).toObject();
    entry.target = SystemProxyTarget::fromJson(object.value(u"target"_s).toObject());
    entry.written = QDateTime::fromString(object.value(u"written"_s).toString(), Qt::ISODate);
    entry.processId = qint64(object.value(u"pid"_s).toDouble());
    entry.applied = object.value(u"applied"_s).toBool();
    if (entry.backend.isEmpty() || entry.previous.isEmpty() ||
        !entry.target.validationError().isEmpty()) {
        *error = tr("%1 is damaged: a part is missing").arg(shownPath);
        return std::nullopt;
    }
    return entry;
}

QString SystemProxyJournal::remove() const
{
    QFile file(m_path);
    if (!file.exists() || file.remove())
        return {};
    return tr("cannot delete %1: %2").arg(QDir::toNativeSeparators(m_path), file.errorString());
}

} // namespace Switchyard
