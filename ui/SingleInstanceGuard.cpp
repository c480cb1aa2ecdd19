#include "SingleInstanceGuard.h"

#include "SettingsStore.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QStandardPaths>
#include <QTimer>
#include <algorithm>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace Switchyard {

namespace {

// sockaddr_un.sun_path holds 108 bytes on Linux, 104 on macOS: keep well below.
constexpr qsizetype maxSocketPathLength = 100;
// The request is one short line; anything longer is not ours.
constexpr qsizetype maxRequestLength = 64;

// The same file spelled differently (relative, "..", a symbolic link to the
// folder) must give the same name. The file itself may not exist yet.
QString normalisedPath(const QString& settingsFilePath)
{
    const QFileInfo info(settingsFilePath.isEmpty() ? SettingsStore::defaultFilePath()
                                                    : settingsFilePath);
    const QString folder = QFileInfo(info.absolutePath()).canonicalFilePath();
    if (folder.isEmpty())
        return QDir::cleanPath(info.absoluteFilePath());
    return QDir(folder).filePath(info.fileName());
}

int remainingMs(const QDeadlineTimer& deadline)
{
    return int(std::max<qint64>(1, deadline.remainingTime()));
}

} // namespace

SingleInstanceGuard::SingleInstanceGuard(const QString& settingsFilePath, QObject* parent,
                                         const QString& runtimeDirectory)
    : QObject(parent)
{
    QString folder = runtimeDirectory;
    if (folder.isEmpty())
        folder = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (folder.isEmpty())
        folder = QDir::tempPath();
    m_serverName = serverNameFor(currentUserKey(), settingsFilePath, folder);
    // The lock sits next to the socket (or in the runtime folder for a pipe name).
    const QString lockBase =
        QFileInfo(m_serverName).isAbsolute() ? m_serverName : QDir(folder).filePath(m_serverName);
    m_lockPath = lockBase + QStringLiteral(".lock");
}

SingleInstanceGuard::~SingleInstanceGuard() = default;

QString SingleInstanceGuard::currentUserKey()
{
#ifdef Q_OS_UNIX
    return QString::number(::getuid());
#else
    const QString user = qEnvironmentVariable("USERNAME");
    return user.isEmpty() ? QStringLiteral("user") : user;
#endif
}

QString SingleInstanceGuard::serverNameFor(const QString& userKey, const QString& settingsFilePath,
                                           const QString& runtimeDirectory)
{
    const QByteArray key = userKey.toUtf8() + '\n' + normalisedPath(settingsFilePath).toUtf8();
    const QString digest = QString::fromLatin1(
        QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(16));
    // The user goes into the name as well as the hash: two users sharing a
    // temporary folder must not even try each other's socket.
    const QString name = QStringLiteral("switchyard-%1-%2").arg(userKey, digest);
#ifdef Q_OS_UNIX
    // A full path puts the socket in the private runtime folder rather than /tmp.
    const QString path = QDir(runtimeDirectory).filePath(name);
    if (path.size() <= maxSocketPathLength)
        return path;
#else
    Q_UNUSED(runtimeDirectory)
#endif
    return name;
}

SingleInstanceGuard::Role SingleInstanceGuard::claim(int timeoutMs)
{
    m_error.clear();
    const QDeadlineTimer deadline(std::max(timeoutMs, 1));
    switch (askRunningInstance(remainingMs(deadline))) {
    case AskResult::Answered:
        return Role::Secondary;
    case AskResult::NoAnswer:
        return Role::NotAnswering;
    case AskResult::Unreachable:
        return Role::Unguarded;
    case AskResult::NoServer:
        break;
    }

    // Two launches at the same moment would both find no server and both listen,
    // the second removing the first's socket. Whoever holds the lock decides.
    QLockFile lock(m_lockPath);
    lock.setStaleLockTime(0);
    if (!lock.tryLock(remainingMs(deadline))) {
        m_error = tr("cannot take the lock %1 that guards against a second Switchyard")
                      .arg(QDir::toNativeSeparators(m_lockPath));
        return Role::Unguarded;
    }
    // Someone may have started listening while this process waited for the lock.
    switch (askRunningInstance(remainingMs(deadline))) {
    case AskResult::Answered:
        return Role::Secondary;
    case AskResult::NoAnswer:
        return Role::NotAnswering;
    case AskResult::Unreachable:
        return Role::Unguarded;
    case AskResult::NoServer:
        break;
    }
    return listen() ? Role::Primary : Role::Unguarded;
}

SingleInstanceGuard::AskResult SingleInstanceGuard::askRunningInstance(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    QLocalSocket socket;
    socket.connectToServer(m_serverName);
    if (!socket.waitForConnected(remainingMs(deadline))) {
        // No socket file, or one left behind by an instance that died: either way
        // nobody is listening.
        const auto error = socket.error();
        if (error == QLocalSocket::ServerNotFoundError ||
            error == QLocalSocket::ConnectionRefusedError)
            return AskResult::NoServer;
        // Something is there that this user may not use (a file of another
        // user, say): listening will fail too, and claim() says so.
        m_error = tr("cannot use the single-instance socket %1: %2")
                      .arg(QDir::toNativeSeparators(m_serverName), socket.errorString());
        return AskResult::Unreachable;
    }
    socket.write(activateRequest);
    QByteArray reply;
    while (!reply.contains('\n') && reply.size() < maxRequestLength && !deadline.hasExpired()) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(remainingMs(deadline)))
            break;
        reply += socket.read(maxRequestLength);
    }
    if (reply == activateReply)
        return AskResult::Answered;
    m_error = reply.isEmpty()
                  ? tr("another Switchyard is running with the same settings file but did not "
                       "answer; if it hangs, end it and start again")
                  : tr("another program answered on %1; it is not a Switchyard of this version")
                        .arg(QDir::toNativeSeparators(m_serverName));
    return AskResult::NoAnswer;
}

bool SingleInstanceGuard::listen()
{
    // Called with the lock held and after nobody answered: a socket file still
    // there is stale.
    QLocalServer::removeServer(m_serverName);
    m_server = new QLocalServer(this);
    // Only this user may connect (the socket file is made 0700 on Unix).
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_serverName)) {
        m_error = tr("cannot listen on %1 for a second Switchyard: %2")
                      .arg(QDir::toNativeSeparators(m_serverName), m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstanceGuard::onNewConnection);
    return true;
}

void SingleInstanceGuard::onNewConnection()
{
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QObject::destroyed, this,
                [this, socket] { m_partialRequests.remove(socket); });
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { onRequestData(socket); });
        // A client that connects and says nothing must not hold a socket forever.
        QTimer::singleShot(requestTimeoutMs, socket, &QLocalSocket::abort);
        // Data may have arrived with the connection.
        if (socket->bytesAvailable() > 0)
            onRequestData(socket);
    }
}

void SingleInstanceGuard::onRequestData(QLocalSocket* socket)
{
    QByteArray& request = m_partialRequests[socket];
    request += socket->read(maxRequestLength + 1 - request.size());
    if (!request.contains('\n') && request.size() <= maxRequestLength)
        return; // wait for the rest of the line
    const QByteArray complete = m_partialRequests.take(socket);
    socket->disconnect(this); // one request per connection
    const bool valid = complete == activateRequest;
    // Answer before raising the window: the second launch is waiting to exit.
    socket->write(valid ? activateReply : errorReply);
    socket->flush();
    socket->disconnectFromServer();
    if (valid)
        Q_EMIT activationRequested();
}

} // namespace Switchyard
