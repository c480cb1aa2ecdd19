#pragma once

#include <QTcpServer>

class OriginRecorder;

/// LoopbackOrigin's listening socket; lives in the origin thread and hands each
/// accepted descriptor to a new OriginConnection (its child).
class OriginListener : public QTcpServer
{
    Q_OBJECT
public:
    OriginListener(OriginRecorder* recorder, int sendBufferBytes);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    OriginRecorder* m_recorder;
    int m_sendBufferBytes;
};
