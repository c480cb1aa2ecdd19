#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

class QLocalServer;
class QLocalSocket;

namespace Switchyard {

/// Keeps one running Switchyard per user and settings file. The first instance
/// listens on a local socket named after both; a later launch with the same
/// settings file connects, asks the first to bring its window up, and exits.
/// A launch with another settings file (--config) is independent.
class SingleInstanceGuard : public QObject
{
    Q_OBJECT
public:
    enum class Role {
        /// This process listens now: go on and start.
        Primary,
        /// The running instance answered and raises its window: exit with 0.
        Secondary,
        /// Another instance holds the socket but did not answer (hung, or not a
        /// Switchyard): exit with an error (errorString() says which).
        NotAnswering,
        /// There is no other instance, but this one could not take the socket or
        /// its lock (errorString() says why): run anyway, unguarded.
        Unguarded,
    };

    /// settingsFilePath: the settings file this run uses (empty: the default one).
    /// runtimeDirectory: where the socket and its lock file go; empty means the
    /// per-user runtime directory ($XDG_RUNTIME_DIR on Linux).
    explicit SingleInstanceGuard(const QString& settingsFilePath, QObject* parent = nullptr,
                                 const QString& runtimeDirectory = {});
    ~SingleInstanceGuard() override;

    /// Decides this process's role. Blocks for at most about timeoutMs (it needs
    /// no running event loop); call it once, before the window is created.
    Role claim(int timeoutMs = 3000);

    QString errorString() const { return m_error; }
    /// The QLocalServer name: a socket path on Unix, a pipe name on Windows.
    QString serverName() const { return m_serverName; }

    /// The name for a user and settings file: the same for every spelling of the
    /// same path, different for another user or file.
    static QString serverNameFor(const QString& userKey, const QString& settingsFilePath,
                                 const QString& runtimeDirectory);
    /// This user's id (the uid on Unix, the user name on Windows).
    static QString currentUserKey();

    /// What a second launch writes, and what the first answers.
    static constexpr char activateRequest[] = "switchyard-activate\n";
    static constexpr char activateReply[] = "ok\n";
    static constexpr char errorReply[] = "error\n";
    /// A connection that has not sent a full request by then is closed.
    static constexpr int requestTimeoutMs = 2000;

Q_SIGNALS:
    /// Primary only: a later launch asked for the window to come up.
    void activationRequested();

private:
    enum class AskResult { NoServer, Answered, NoAnswer, Unreachable };
    AskResult askRunningInstance(int timeoutMs);
    bool listen();
    void onNewConnection();
    void onRequestData(QLocalSocket* socket);

    QString m_serverName;
    QString m_lockPath;
    QString m_error;
    QLocalServer* m_server = nullptr;
    // Bytes received so far from connections that have not sent a full line.
    QHash<QLocalSocket*, QByteArray> m_partialRequests;
};

} // namespace Switchyard
