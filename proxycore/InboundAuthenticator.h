#pragma once

#include "EngineSettings.h"

namespace Switchyard {

/// Checks the credentials clients present to Switchyard itself.
class InboundAuthenticator
{
public:
    /// True when auth is off, or user and password match. Compares in constant
    /// time so that the timing does not reveal how much of a guess was right.
    static bool matches(const InboundAuth& auth, const QString& user, const QString& password);
    /// Checks a "Basic base64(user:password)" Proxy-Authorization value.
    static bool matchesBasic(const InboundAuth& auth, QByteArrayView headerValue);
};

} // namespace Switchyard
