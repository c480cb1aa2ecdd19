#pragma once

#include "HttpMessageParser.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>
#include <deque>

class OriginRecorder;
class QSocketNotifier;

/// One connection accepted by LoopbackOrigin. It drives the raw descriptor itself
/// (QSocketNotifier + recv/send) rather than through QTcpSocket, because QTcpSocket
/// closes the whole socket when the peer half-closes, and because the bytes the
/// kernel actually accepted must be counted for the back-pressure test.
/// Requests are answered strictly in order (pipelining), one response at a time.
class OriginConnection : public QObject
{
    Q_OBJECT
public:
    OriginConnection(qintptr descriptor, OriginRecorder* recorder, int sendBufferBytes,
                     QObject* parent);
    ~OriginConnection() override;

private:
    /// One queued response.
    struct Job
    {
        quint64 id = 0;
        QByteArray head;
        QByteArray body;          ///< fixed body, sent right after the head
        qint64 patternLength = 0; ///< then this many BytePattern bytes
        qint64 patternSent = 0;
        int chunkIndex = 0;
        bool chunked = false; ///< the pattern goes out in chunked framing
        bool close = false;   ///< close the connection after this response
        bool upgrade = false; ///< switch to byte echo after this response
        bool ready = true;    ///< false while /slow waits
        bool headQueued = false;
    };

    void onReadable();
    void parseRequests();
    void handle(const HttpMessage& request);
    void enqueue(Job job);
    void drive();
    void produce();
    qint64 sendSome();
    void finishIfDone();
    void closeNow();
    qsizetype pending() const { return m_out.size() - m_outPos; }

    int m_fd = -1;
    int m_index = -1;
    OriginRecorder* m_recorder = nullptr;
    QSocketNotifier* m_readNotifier = nullptr;
    QSocketNotifier* m_writeNotifier = nullptr;
    HttpMessageParser m_parser{HttpMessageParser::Kind::Request};
    QByteArray m_out;
    qsizetype m_outPos = 0;
    std::deque<Job> m_jobs;
    quint64 m_nextJobId = 1;
    QTimer m_lingerTimer;
    bool m_peerEof = false;
    bool m_noMoreRequests = false; ///< a response that closes the connection is queued
    bool m_upgradePending = false; ///< a 101 is queued: later bytes are tunnel data
    bool m_echo = false;
    bool m_writeShut = false;
    bool m_dead = false;
};
