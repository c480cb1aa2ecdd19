#pragma once

namespace Switchyard {

/// One read buffer per engine thread: bytes are read into it and written on at
/// once, so no connection keeps a read buffer of its own while idle.
struct ScratchBuffer
{
    static constexpr long long size = 128 * 1024;
    static char* data();
};

} // namespace Switchyard
