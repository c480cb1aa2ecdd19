#pragma once

#include "HttpMessage.h"

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QStringList>

/// A request as LoopbackOrigin received it, with the origin connection it came on.
struct RecordedRequest
{
    int connection = -1; ///< index in the order connections were accepted
    HttpMessage message;
};

/// What LoopbackOrigin saw, written from its thread and read from the test's.
class OriginRecorder
{
public:
    int connectionOpened();
    void connectionClosed(int index);
    void appendReceived(int index, QByteArrayView data);
    void addRequest(int index, const HttpMessage& message);
    void addError(const QString& error);
    void addBytesSent(qint64 bytes);

    int connectionCount() const;
    int openConnectionCount() const;
    QList<QByteArray> received() const;
    QList<RecordedRequest> requests() const;
    QStringList errors() const;
    qint64 bytesSent() const;
    void clear();

private:
    mutable QMutex m_mutex;
    QList<QByteArray> m_received;
    QList<RecordedRequest> m_requests;
    QStringList m_errors;
    int m_open = 0;
    qint64 m_bytesSent = 0;
};
