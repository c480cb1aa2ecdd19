#include "SystemProxyController.h"

#include "SystemProxyBackendFactory.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QScopeGuard>

using namespace Qt::StringLiterals;

namespace Switchyard {

namespace {

QString endpoint(const SystemProxyTarget& target)
{
    return target.mode == SystemProxyTarget::Mode::Pac
               ? target.pacUrl()
               : u"%1:%2"_s.arg(target.urlHost()).arg(target.port);
}

} // namespace

SystemProxyController::SystemProxyController(QObject* parent)
    : SystemProxyController(QString(), parent)
{}

SystemProxyController::SystemProxyController(const QString& journalPath, QObject* parent)
    : QObject(parent), m_journal(journalPath)
{}

SystemProxyController::~SystemProxyController()
{
    // Quitting while on must not leave the desktop pointing at a closed port.
    if (m_enabled) {
        const QSignalBlocker blocker(this);
        disable();
    }
}

QString SystemProxyController::backendDisplayName() const
{
    return m_enabled && m_backend ? m_backend->displayName() : QString();
}

bool SystemProxyController::fail(const QString& message)
{
    m_lastMessage = message;
    Q_EMIT errorOccurred(message);
    return false;
}

void SystemProxyController::notice(const QString& message)
{
    m_lastMessage = message;
    Q_EMIT noticeIssued(message);
}

bool SystemProxyController::takeLock(QString* error)
{
    if (m_lock)
        return true;
    const QString folder = QFileInfo(m_journal.lockPath()).absolutePath();
    if (!QDir().mkpath(folder)) {
        *error = tr("cannot create the folder %1").arg(QDir::toNativeSeparators(folder));
        return false;
    }
    auto lock = std::make_unique<QLockFile>(m_journal.lockPath());
    // Held for as long as the system proxy is on, hours maybe: only a dead
    // holder makes it stale, never its age.
    lock->setStaleLockTime(0);
    if (lock->tryLock(0)) {
        m_lock = std::move(lock);
        return true;
    }
    if (lock->error() == QLockFile::LockFailedError) {
        qint64 pid = 0;
        QString host;
        QString application;
        lock->getLockInfo(&pid, &host, &application);
        *error = tr("another Switchyard (process %1) has the system proxy on; turn it off there "
                    "first")
                     .arg(pid);
    } else {
        *error = tr("cannot lock %1").arg(QDir::toNativeSeparators(m_journal.lockPath()));
    }
    return false;
}

void SystemProxyController::releaseLock()
{
    m_lock.reset(); // unlocks and deletes the file
}

QJsonObject SystemProxyController::originalSettings(const QJsonObject& current, bool* fromLeftover)
{
    *fromLeftover = false;
    // A journal still on disk means the desktop may point at a Switchyard that
    // died; what it saved, not the current state, is the user's own setting.
    QString error;
    const std::optional<SystemProxyJournal::Entry> leftover = m_journal.read(&error);
    if (leftover && leftover->backend == m_backend->name() &&
        m_backend->pointsAt(current, leftover->target)) {
        *fromLeftover = true;
        return leftover->previous;
    }
    return current;
}

bool SystemProxyController::retarget(const SystemProxyTarget& target)
{
    const bool wasOn = m_target.port != 0; // set only once a target took
    SystemProxyJournal::Entry entry{m_backend->name(), m_previous, target,
                                    QDateTime::currentDateTimeUtc(),
                                    QCoreApplication::applicationPid()};
    if (const QString error = m_journal.write(entry); !error.isEmpty()) {
        if (!wasOn) {
            m_enabled = false;
            releaseLock();
        }
        return fail(tr("System proxy not changed: %1").arg(error));
    }
    const QString applyError = m_backend->apply(target);
    if (applyError.isEmpty()) {
        m_target = target;
        entry.applied = true;
        // Without this mark a leftover is restored anyway; only a settings
        // change the user makes after a crash would then be overwritten.
        if (const QString error = m_journal.write(entry); !error.isEmpty())
            qWarning("%s", qUtf8Printable(error));
        return true;
    }
    QString message = tr("Could not point the %1 proxy settings at %2: %3")
                          .arg(m_backend->displayName(), endpoint(target), applyError);
    // Half a change is the worst state: go back to what the user had.
    if (const QString error = m_backend->restore(m_previous); !error.isEmpty()) {
        // The journal stays, and so does the lock: the next start restores it.
        m_target = target;
        if (!wasOn)
            Q_EMIT enabledChanged(true); // isEnabled() says so now, and disable() retries
        return fail(message + u' ' +
                    tr("Restoring the settings from before failed too: %1. They are saved in %2; "
                       "'switchyard --restore-system-proxy' tries again.")
                        .arg(error, QDir::toNativeSeparators(m_journal.path())));
    }
    if (const QString error = m_journal.remove(); !error.isEmpty())
        message += u' ' + error;
    m_enabled = false;
    m_target = {};
    releaseLock();
    if (wasOn)
        Q_EMIT enabledChanged(false);
    return fail(message);
}

bool SystemProxyController::enable(const SystemProxyTarget& target)
{
    if (const QString error = target.validationError(); !error.isEmpty())
        return fail(tr("System proxy not changed: %1").arg(error));
    if (m_enabled) {
        if (target == m_target)
            return true;
        return retarget(target);
    }
    QString error;
    if (!takeLock(&error))
        return fail(tr("System proxy not changed: %1").arg(error));
    m_backend = SystemProxyBackendFactory::create(&error);
    if (!m_backend) {
        releaseLock();
        return fail(tr("System proxy not changed: %1").arg(error));
    }
    QJsonObject current;
    if (error = m_backend->read(&current); !error.isEmpty()) {
        releaseLock();
        return fail(tr("System proxy not changed: %1").arg(error));
    }
    bool fromLeftover = false;
    m_previous = originalSettings(current, &fromLeftover);
    m_enabled = true; // from here on disable() can undo whatever happens
    if (!retarget(target))
        return false;
    m_lastMessage = tr("The %1 proxy settings point at Switchyard (%2).")
                        .arg(m_backend->displayName(), endpoint(target));
    Q_EMIT enabledChanged(true);
    return true;
}

bool SystemProxyController::disable()
{
    if (!m_enabled)
        return true;
    if (const QString error = m_backend->restore(m_previous); !error.isEmpty()) {
        return fail(
            tr("Could not restore the %1 proxy settings: %2. They are saved in %3; "
               "'switchyard --restore-system-proxy' tries again.")
                .arg(m_backend->displayName(), error, QDir::toNativeSeparators(m_journal.path())));
    }
    const QString removeError = m_journal.remove();
    m_enabled = false;
    releaseLock();
    m_target = {};
    m_lastMessage =
        tr("The %1 proxy settings are back as they were.").arg(m_backend->displayName());
    if (!removeError.isEmpty())
        fail(removeError);
    Q_EMIT enabledChanged(false);
    return true;
}

SystemProxyController::LeftoverResult SystemProxyController::restoreLeftover()
{
    if (m_enabled || !m_journal.exists()) {
        m_lastMessage = tr("There are no system proxy settings to restore.");
        return LeftoverResult::Nothing;
    }
    QString error;
    if (!takeLock(&error)) {
        fail(tr("System proxy settings not restored: %1").arg(error));
        return LeftoverResult::InUse;
    }
    // Whatever happens below, this run does not hold the system proxy.
    const auto unlock = qScopeGuard([this] { releaseLock(); });
    const std::optional<SystemProxyJournal::Entry> entry = m_journal.read(&error);
    if (!entry) {
        if (error.isEmpty()) { // removed meanwhile by another run
            m_lastMessage = tr("There are no system proxy settings to restore.");
            return LeftoverResult::Nothing;
        }
        fail(tr("System proxy settings not restored: %1").arg(error));
        return LeftoverResult::Failed;
    }
    std::unique_ptr<SystemProxyBackend> backend =
        SystemProxyBackendFactory::createNamed(entry->backend, &error);
    if (!backend) {
        fail(tr("System proxy settings not restored: %1").arg(error));
        return LeftoverResult::Failed;
    }
    QJsonObject current;
    if (error = backend->read(&current); !error.isEmpty()) {
        fail(tr("System proxy settings not restored: %1").arg(error));
        return LeftoverResult::Failed;
    }
    if (entry->applied && !backend->pointsAt(current, entry->target)) {
        if (error = m_journal.remove(); !error.isEmpty()) {
            fail(error);
            return LeftoverResult::Failed;
        }
        notice(tr("The %1 proxy settings were changed since Switchyard pointed them at %2, so "
                  "they were left as they are; the settings saved before that were dropped.")
                   .arg(backend->displayName(), endpoint(entry->target)));
        return LeftoverResult::ChangedSince;
    }
    if (error = backend->restore(entry->previous); !error.isEmpty()) {
        fail(tr("Could not restore the %1 proxy settings: %2. They are saved in %3.")
                 .arg(backend->displayName(), error, QDir::toNativeSeparators(m_journal.path())));
        return LeftoverResult::Failed;
    }
    if (error = m_journal.remove(); !error.isEmpty()) {
        fail(error);
        return LeftoverResult::Failed;
    }
    notice(tr("Switchyard (process %1) stopped while the system proxy pointed at it; the %2 proxy "
              "settings from before are restored.")
               .arg(entry->processId)
               .arg(backend->displayName()));
    return LeftoverResult::Restored;
}

} // namespace Switchyard
