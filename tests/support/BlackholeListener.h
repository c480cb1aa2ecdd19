#pragma once

#include <QList>
#include <QtGlobal>

/// A TCP port on 127.0.0.1 where connect() hangs: a socket listening with a backlog
/// of 0 that never accepts, its accept queue filled by our own connects. Linux then
/// drops every further SYN (the listen-overflow path in tcp_conn_request), so the
/// connecting side keeps retransmitting SYNs and stays in SYN_SENT until its own
/// timeout. start() checks this with a probe connect before it returns true.
class BlackholeListener
{
public:
    BlackholeListener() = default;
    ~BlackholeListener();
    BlackholeListener(const BlackholeListener&) = delete;
    BlackholeListener& operator=(const BlackholeListener&) = delete;

    bool start();
    quint16 port() const { return m_port; }

private:
    int connectNonBlocking() const;
    void closeAll();

    int m_listenFd = -1;
    QList<int> m_fillers;
    quint16 m_port = 0;
};
