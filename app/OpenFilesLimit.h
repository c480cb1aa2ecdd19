#pragma once

namespace Switchyard {

/// Lifts this process's soft limit on open files to its hard limit, as Go's
/// runtime and nginx's worker_rlimit_nofile do. Every tunnel holds two
/// descriptors, and the soft limit desktops start programs with (1024) would
/// turn clients away after about 500 tunnels although the system allows far
/// more. Does nothing where the system has no such limit.
void raiseOpenFilesLimit();

} // namespace Switchyard
