#include "HarRecorder.h"

namespace Switchyard {

HarRecorder::HarRecorder(bool maskSensitiveHeaders) : m_writer(maskSensitiveHeaders) {}

QString HarRecorder::open(const QString& path)
{
    m_path = path;
    m_error.clear();
    m_count = 0;
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::WriteOnly))
        return HarWriter::tr("cannot open %1: %2").arg(path, m_file.errorString());
    const QByteArray head = m_writer.documentHead();
    if (m_file.write(head) != head.size())
        m_error = m_file.errorString();
    return {};
}

void HarRecorder::add(const LogEvent& event)
{
    if (!m_file.isOpen() || !m_error.isEmpty())
        return;
    const QByteArray line = m_writer.entryLine(event, m_count == 0);
    if (m_file.write(line) != line.size()) {
        m_error = m_file.errorString();
        return;
    }
    ++m_count;
}

QString HarRecorder::commit()
{
    if (!m_file.isOpen())
        return {};
    const QByteArray tail = HarWriter::documentTail();
    if (m_error.isEmpty() && m_file.write(tail) != tail.size())
        m_error = m_file.errorString();
    if (!m_error.isEmpty()) {
        m_file.cancelWriting();
        m_file.commit(); // closes without touching the path
        return HarWriter::tr("cannot write %1: %2").arg(m_path, m_error);
    }
    if (!m_file.commit())
        return HarWriter::tr("cannot save %1: %2").arg(m_path, m_file.errorString());
    return {};
}

void HarRecorder::discard()
{
    if (!m_file.isOpen())
        return;
    m_file.cancelWriting();
    m_file.commit();
}

} // namespace Switchyard
