#include "ProtocolSniffer.h"

#include "EngineContext.h"
#include "HttpProxySession.h"
#include "SocksSession.h"
#include "TcpStream.h"

namespace Switchyard {

ProtocolSniffer::ProtocolSniffer(EngineContext* context, TcpStream* client, QObject* parent)
    : QObject(parent), m_context(context), m_client(client), m_timer(this)
{
    client->setParent(this);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ProtocolSniffer::giveUp);
}

void ProtocolSniffer::start()
{
    connect(m_client, &Stream::readyRead, this, &ProtocolSniffer::onReadyRead);
    connect(m_client, &Stream::failed, this, &ProtocolSniffer::giveUp);
    m_timer.start(m_context->settings.limits.headTimeoutMs);
    m_client->setReadEnabled(true);
}

void ProtocolSniffer::onReadyRead()
{
    if (m_done)
        return;
    const int first = m_client->peekByte();
    if (first == -2) {
        giveUp(); // closed before saying anything
        return;
    }
    if (first < 0)
        return;
    m_done = true;
    m_timer.stop();
    disconnect(m_client, nullptr, this, nullptr);
    m_client->setParent(nullptr);
    ClientSession* session = nullptr;
    if (first == 0x05 || first == 0x04)
        session = new SocksSession(m_context, m_client);
    else
        session = new HttpProxySession(m_context, m_client);
    Q_EMIT identified(session);
}

void ProtocolSniffer::giveUp()
{
    if (m_done)
        return;
    m_done = true;
    m_timer.stop();
    m_client->close();
    Q_EMIT abandoned();
}

} // namespace Switchyard
