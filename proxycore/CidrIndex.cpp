#include "CidrIndex.h"

#include <algorithm>

namespace Switchyard {

namespace {

template <typename Key> void keepLowest(QHash<Key, int>& networks, const Key& key, int ruleIndex)
{
    const auto it = networks.find(key);
    if (it == networks.end())
        networks.insert(key, ruleIndex);
    else
        *it = std::min(*it, ruleIndex);
}

} // namespace

CidrIndex::V6Key CidrIndex::v6Key(const std::array<quint8, 16>& address)
{
    quint64 high = 0;
    quint64 low = 0;
    for (int i = 0; i < 8; ++i) {
        high = high << 8 | address[i];
        low = low << 8 | address[i + 8];
    }
    return {high, low};
}

void CidrIndex::add(const CidrRange& range, int ruleIndex)
{
    if (range.isV6) {
        auto it = std::find_if(m_v6.begin(), m_v6.end(), [&](const V6Table& table) {
            return table.prefixLength == range.prefixLength;
        });
        if (it == m_v6.end())
            it = m_v6.insert(m_v6.end(), V6Table{range.prefixLength, {}});
        keepLowest(it->networks, v6Key(range.v6), ruleIndex);
        return;
    }
    auto it = std::find_if(m_v4.begin(), m_v4.end(), [&](const V4Table& table) {
        return table.prefixLength == range.prefixLength;
    });
    if (it == m_v4.end())
        it = m_v4.insert(m_v4.end(), V4Table{range.prefixLength, {}});
    keepLowest(it->networks, range.v4, ruleIndex);
}

int CidrIndex::lookup(const NormalizedHost& host) const
{
    int best = noMatch;
    if (host.kind == NormalizedHost::Kind::Ipv4) {
        for (const V4Table& table : m_v4) {
            const quint32 network = host.ipv4 & CidrRange::v4Mask(table.prefixLength);
            if (const auto it = table.networks.constFind(network); it != table.networks.constEnd())
                best = std::min(best, *it);
        }
    } else if (host.kind == NormalizedHost::Kind::Ipv6) {
        for (const V6Table& table : m_v6) {
            const V6Key key = v6Key(CidrRange::v6Masked(host.ipv6, table.prefixLength));
            if (const auto it = table.networks.constFind(key); it != table.networks.constEnd())
                best = std::min(best, *it);
        }
    }
    return best;
}

} // namespace Switchyard
