#pragma once

#include "CidrRange.h"
#include "NormalizedHost.h"

#include <QHash>
#include <limits>
#include <utility>
#include <vector>

namespace Switchyard {

/// CIDR rules indexed by prefix length: one hash of network addresses per length in
/// use. A lookup masks the destination once per length (at most 33 for IPv4, 129
/// for IPv6, in practice a handful) instead of testing every range, so big address
/// lists (country blocks) stay cheap.
class CidrIndex
{
public:
    static constexpr int noMatch = std::numeric_limits<int>::max();

    /// Keeps the lowest index when a network is added twice.
    void add(const CidrRange& range, int ruleIndex);
    /// Lowest index of a range containing host; noMatch if none or host is a name.
    int lookup(const NormalizedHost& host) const;
    bool isEmpty() const { return m_v4.empty() && m_v6.empty(); }

private:
    using V6Key = std::pair<quint64, quint64>;
    struct V4Table
    {
        int prefixLength = 0;
        QHash<quint32, int> networks;
    };
    struct V6Table
    {
        int prefixLength = 0;
        QHash<V6Key, int> networks;
    };
    static V6Key v6Key(const std::array<quint8, 16>& address);

    std::vector<V4Table> m_v4;
    std::vector<V6Table> m_v6;
};

} // namespace Switchyard
