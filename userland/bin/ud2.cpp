// ud2: an invalid opcode (#UD) in ring 3.
#include <offhook/sys.h>

int main()
{
    print("ud2: executing ud2\n");
    asm volatile("ud2");
    print("ud2: still alive (wrong)\n");
    return 0;
}
