#pragma once

#include <QString>

namespace Switchyard {

/// What to do with a connection: go direct, go through one exit, or refuse it.
struct RouteAction
{
    enum class Kind { Direct, Profile, Block };

    Kind kind = Kind::Direct;
    QString profileId; ///< for Kind::Profile

    static RouteAction direct() { return {}; }
    static RouteAction block() { return {Kind::Block, {}}; }
    static RouteAction through(const QString& id) { return {Kind::Profile, id}; }
    bool operator==(const RouteAction& other) const = default;
};

} // namespace Switchyard
