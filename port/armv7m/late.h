// Storage for a global that is constructed explicitly during boot (no static constructors).
#pragma once

#include <new>
#include <utility>

namespace oh::arm {

template<typename T>
class Late {
public:
    constexpr Late() = default;
    Late(const Late&) = delete;
    Late& operator=(const Late&) = delete;

    template<typename... Args>
    T& emplace(Args&&... args)
    {
        return *new (m_storage) T(std::forward<Args>(args)...);
    }
    T& operator*() { return *std::launder(reinterpret_cast<T*>(m_storage)); }
    T* operator->() { return std::launder(reinterpret_cast<T*>(m_storage)); }
    const T* operator->() const { return std::launder(reinterpret_cast<const T*>(m_storage)); }

private:
    alignas(T) unsigned char m_storage[sizeof(T)] {};
};

} // namespace oh::arm
