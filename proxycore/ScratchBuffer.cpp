#include "ScratchBuffer.h"

namespace Switchyard {

char* ScratchBuffer::data()
{
    static thread_local char buffer[size];
    return buffer;
}

} // namespace Switchyard
