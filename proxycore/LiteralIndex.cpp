#include "LiteralIndex.h"

#include <QSet>
#include <algorithm>

namespace Switchyard {

bool LiteralIndex::add(const QStringList& literals, int ruleIndex)
{
    QStringList usable;
    for (const QString& literal : literals) {
        if (literal.size() >= minLength)
            usable.append(literal);
    }
    if (usable.isEmpty())
        return false;
    m_pending.emplace_back(usable, ruleIndex);
    m_lowestRule = std::min(m_lowestRule, ruleIndex);
    return true;
}

void LiteralIndex::finish()
{
    // How many rules contain each trigram (once per rule).
    QHash<quint64, int> rulesWith;
    QSet<quint64> seen;
    for (const auto& [literals, ruleIndex] : m_pending) {
        seen.clear();
        for (const QString& literal : literals) {
            for (qsizetype i = 0; i + minLength <= literal.size(); ++i)
                seen.insert(trigram(literal.constData() + i));
        }
        for (const quint64 key : std::as_const(seen))
            ++rulesWith[key];
    }
    for (const auto& [literals, ruleIndex] : m_pending) {
        const QString* bestLiteral = nullptr;
        qsizetype bestOffset = 0;
        std::pair<int, qsizetype> bestCost{std::numeric_limits<int>::max(), 0};
        for (const QString& literal : literals) {
            for (qsizetype i = 0; i + minLength <= literal.size(); ++i) {
                const quint64 key = trigram(literal.constData() + i);
                const auto bucket = m_buckets.constFind(key);
                const std::pair<int, qsizetype> cost{
                    rulesWith.value(key),
                    bucket == m_buckets.constEnd() ? 0 : qsizetype(bucket->size())};
                if (cost < bestCost) {
                    bestCost = cost;
                    bestLiteral = &literal;
                    bestOffset = i;
                }
            }
        }
        const qsizetype afterStart = bestOffset + minLength;
        const int afterCount = int(std::min<qsizetype>(4, bestLiteral->size() - afterStart));
        m_buckets[trigram(bestLiteral->constData() + bestOffset)].push_back(
            {ruleIndex, int(bestOffset), pack(bestLiteral->constData() + afterStart, afterCount),
             afterCount, *bestLiteral});
    }
    m_pending = {};
    m_filter.assign((size_t(1) << filterLog2) / 64, 0);
    for (auto it = m_buckets.cbegin(); it != m_buckets.cend(); ++it) {
        const int bit = filterBit(it.key());
        m_filter[size_t(bit) / 64] |= quint64(1) << (bit % 64);
    }
}

quint64 LiteralIndex::pack(const QChar* at, int count)
{
    quint64 packed = 0;
    for (int i = 0; i < count; ++i)
        packed = packed << 16 | at[i].unicode();
    return packed;
}

void LiteralIndex::collect(QStringView subject, int below, Candidates* out) const
{
    if (below <= m_lowestRule)
        return;
    const QChar* data = subject.data();
    const qsizetype size = subject.size();
    for (qsizetype i = 0; i + minLength <= size; ++i) {
        const quint64 key = trigram(data + i);
        const int bit = filterBit(key);
        if (!(m_filter[size_t(bit) / 64] & (quint64(1) << (bit % 64))))
            continue;
        const auto it = m_buckets.constFind(key);
        if (it == m_buckets.constEnd())
            continue;
        for (const Entry& entry : *it) {
            if (entry.ruleIndex >= below)
                continue;
            const qsizetype start = i - entry.offset;
            if (start < 0 || start + entry.literal.size() > size)
                continue;
            if (pack(data + i + minLength, entry.afterCount) != entry.after)
                continue; // the characters after the trigram differ: no need to read the literal
            if (subject.sliced(start, entry.literal.size()) == entry.literal)
                out->append(entry.ruleIndex);
        }
    }
}

} // namespace Switchyard
