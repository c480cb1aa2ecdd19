#pragma once

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <atomic>
#include <thread>

/// A loopback TCP server that answers with exact, scripted bytes, broken ones
/// included: an origin whose responses are malformed, or a SOCKS5 exit that picks
/// a method nobody offered. Every connection runs the same script; each step
/// waits for the client's bytes, then writes its reply. It records every byte
/// received per connection and whether the client closed it. It runs on its own
/// thread (poll(), 20 ms ticks), so tests may block while it serves.
class ScriptedServer
{
public:
    struct Step
    {
        /// Wait until this text arrives (counted from the end of the previous
        /// match), e.g. "\r\n\r\n" for a request head; empty: see waitBytes.
        QByteArray waitFor;
        qsizetype waitBytes = 0; ///< or until this many new bytes arrived
        QByteArray reply;
        bool close = false; ///< close right after the reply
    };

    /// repeat: start the script again after its last step (keep-alive origins).
    explicit ScriptedServer(QList<Step> script, bool repeat = false);
    ~ScriptedServer();
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    bool start();
    void stop();
    quint16 port() const { return m_port; }

    int connectionCount() const;
    /// Every byte received, per connection in accept order.
    QList<QByteArray> received() const;
    /// Whether the peer (or the script) has closed connection index.
    bool isClosed(int index) const;
    /// Waits (bounded) until connection index is closed.
    bool waitForClosed(int index, int timeoutMs) const;

private:
    struct Connection
    {
        int fd = -1;
        qsizetype scanFrom = 0;
        qsizetype stepStart = 0;
        int step = 0;
        bool closed = false;
    };

    void run();
    void advance(int index);
    void closeConnection(int index);

    QList<Step> m_script;
    bool m_repeat;
    int m_listenFd = -1;
    quint16 m_port = 0;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    mutable QMutex m_mutex;
    QList<Connection> m_connections; // guarded by m_mutex
    QList<QByteArray> m_received;    // guarded by m_mutex
};
