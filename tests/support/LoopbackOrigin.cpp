#include "LoopbackOrigin.h"

#include "OriginListener.h"

#include <QHostAddress>

LoopbackOrigin::LoopbackOrigin()
{
    m_thread.setObjectName(QStringLiteral("LoopbackOrigin"));
}

LoopbackOrigin::~LoopbackOrigin()
{
    stop();
}

bool LoopbackOrigin::start()
{
    if (m_listener)
        return true;
    m_listener = new OriginListener(&m_recorder, m_sendBufferBytes);
    m_listener->moveToThread(&m_thread);
    // Deleted in its own thread once the loop has ended (QThread runs deferred deletes).
    QObject::connect(&m_thread, &QThread::finished, m_listener, &QObject::deleteLater);
    m_thread.start();
    bool ok = false;
    QMetaObject::invokeMethod(
        m_listener,
        [this, &ok] {
            ok = m_listener->listen(QHostAddress(QHostAddress::LocalHost), 0);
            m_port = m_listener->serverPort();
        },
        Qt::BlockingQueuedConnection);
    if (!ok)
        stop();
    return ok;
}

void LoopbackOrigin::stop()
{
    if (!m_listener)
        return;
    m_thread.quit();
    m_thread.wait();
    m_listener = nullptr;
    m_port = 0;
}

QString LoopbackOrigin::hostPort() const
{
    return QStringLiteral("127.0.0.1:%1").arg(m_port);
}

QString LoopbackOrigin::url(const QString& pathAndQuery) const
{
    return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery);
}

std::optional<RecordedRequest> LoopbackOrigin::findRequest(QByteArrayView text) const
{
    const QList<RecordedRequest> all = m_recorder.requests();
    for (auto it = all.crbegin(); it != all.crend(); ++it) {
        if (it->message.target.contains(text))
            return *it;
    }
    return std::nullopt;
}
