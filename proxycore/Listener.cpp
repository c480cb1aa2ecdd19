#include "Listener.h"

#include <QNetworkProxy>

namespace Switchyard {

Listener::Listener(Handler handler, QObject* parent)
    : QTcpServer(parent), m_handler(std::move(handler))
{
    // The engine's own sockets never go through a system or application proxy.
    setProxy(QNetworkProxy::NoProxy);
    setMaxPendingConnections(1024);
}

void Listener::incomingConnection(qintptr descriptor)
{
    m_handler(int(descriptor));
}

} // namespace Switchyard
