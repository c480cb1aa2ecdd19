#pragma once

#include <QTcpServer>
#include <functional>

namespace Switchyard {

/// The listening socket. Hands each accepted descriptor to the engine untouched,
/// so connections are driven by TcpStream rather than QTcpSocket.
class Listener : public QTcpServer
{
    Q_OBJECT
public:
    using Handler = std::function<void(int descriptor)>;
    explicit Listener(Handler handler, QObject* parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    Handler m_handler;
};

} // namespace Switchyard
