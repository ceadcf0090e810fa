// The public answer to which kernels run (dispatch.hpp).
#include "dispatch.hpp"

namespace logitlab {

bool simd_available() { return kernels::simd_available(); }

}  // namespace logitlab
