#include "OriginListener.h"

#include "OriginConnection.h"

OriginListener::OriginListener(OriginRecorder* recorder, int sendBufferBytes)
    : m_recorder(recorder), m_sendBufferBytes(sendBufferBytes)
{}

void OriginListener::incomingConnection(qintptr descriptor)
{
    new OriginConnection(descriptor, m_recorder, m_sendBufferBytes, this);
}
