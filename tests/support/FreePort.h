#pragma once

#include <QtGlobal>

/// Ports for tests that need a specific kind of nothing.
class FreePort
{
public:
    /// A loopback port that was just free and has nothing listening on it: a
    /// connect to 127.0.0.1 there is refused.
    static quint16 refusedPort();
};
