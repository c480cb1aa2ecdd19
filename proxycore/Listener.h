#pragma once

#include "SocketWatch.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>
#include <functional>
#include <memory>

namespace Switchyard {

/// The listening socket. Hands each accepted descriptor to the engine untouched,
/// so connections are driven by TcpStream rather than QTcpSocket.
///
/// It accepts on its own instead of through QTcpServer: when the process is out
/// of descriptors, QTcpServer (Qt 6.4) retries accept() on every loop turn, so
/// the engine thread spins at 100 % while the waiting clients hang. Here a spare
/// descriptor is given up to take such a client and answer it at once (through
/// the refused handler), and accepting pauses for a moment when even that fails.
class Listener final : public QObject, private SocketWatchHandler
{
    Q_OBJECT
public:
    using Accepted = std::function<void(int descriptor)>;
    /// error is the errno of the accept() that failed (EMFILE or ENFILE); the
    /// handler answers and closes the descriptor.
    using Refused = std::function<void(int descriptor, int error)>;

    Listener(Accepted accepted, Refused refused, QObject* parent = nullptr);
    ~Listener() override;

    bool listen(const QHostAddress& address, quint16 port);
    QString errorString() const { return m_errorString; }
    QHostAddress serverAddress() const { return m_address; }
    quint16 serverPort() const { return m_port; }

private:
    void socketReadable() override;
    void socketWritable() override {}
    enum class Refusal { Refused, NobodyWaiting, Impossible };
    /// Takes one waiting client with the spare descriptor and refuses it.
    /// Impossible when there was no spare to give up, it could not be taken
    /// back, or the accept failed anyway.
    Refusal refuseWithSpare(int error);
    void pauseAccepting();
    void openSpare();

    Accepted m_accepted;
    Refused m_refused;
    int m_fd = -1;
    int m_spare = -1; ///< /dev/null, held only to be closed when descriptors run out
    std::unique_ptr<SocketWatch> m_watch;
    QTimer m_resume;
    QHostAddress m_address;
    quint16 m_port = 0;
    QString m_errorString;
};

} // namespace Switchyard
