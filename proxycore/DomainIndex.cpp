#include "DomainIndex.h"

#include <algorithm>

namespace Switchyard {

void DomainIndex::addExact(const QString& host, int ruleIndex)
{
    Slot& slot = m_slots[host];
    slot.exact = std::min(slot.exact, ruleIndex);
}

void DomainIndex::addDomain(const QString& domain, int ruleIndex)
{
    Slot& slot = m_slots[domain];
    slot.domain = std::min(slot.domain, ruleIndex);
}

int DomainIndex::lookup(const QString& host) const
{
    if (m_slots.isEmpty() || host.isEmpty())
        return noMatch;
    int best = noMatch;
    if (const auto it = m_slots.constFind(host); it != m_slots.constEnd())
        best = std::min(it->exact, it->domain);
    const QChar* data = host.constData();
    const qsizetype size = host.size();
    for (qsizetype dot = host.indexOf(u'.'); dot >= 0 && dot + 1 < size;
         dot = host.indexOf(u'.', dot + 1)) {
        // fromRawData: the suffix shares the host's characters, no allocation per probe.
        const QString suffix = QString::fromRawData(data + dot + 1, size - dot - 1);
        if (const auto it = m_slots.constFind(suffix); it != m_slots.constEnd())
            best = std::min(best, it->domain);
    }
    return best;
}

} // namespace Switchyard
