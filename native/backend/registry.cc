// The backends this build has, by name. A new backend is one more entry in
// backend_names() and one more branch in create_backend; the binding and the
// TypeScript side pick it up from there (doctor(), the per-backend tests).
#include <new>

#include "backend/backend.h"
#include "backend/cpu_backend.h"
#include "kernels/kernels.h"

namespace fc {

const std::vector<std::string>& backend_names() {
  static const std::vector<std::string> names = {"cpu"};
  return names;
}

fc_status create_backend(const std::string& name, const NetworkSpec& spec, uint64_t seed, const std::string& kernels,
                         std::unique_ptr<Backend>* out, std::string* detail) {
  try {
    if (name == "cpu") {
      const KernelTable<float>* table = kernels.empty() ? &active_kernels() : kernels_for_isa(kernels.c_str());
      if (table == nullptr) {
        *detail = "kernel table '" + kernels + "' is not available on this CPU or build";
        return FC_STATUS_UNSUPPORTED;
      }
      *out = std::make_unique<CpuBackend>(spec, seed, *table);
      return FC_STATUS_OK;
    }
  } catch (const std::bad_alloc&) {
    *detail = "allocating the parameters";
    return FC_STATUS_OUT_OF_MEMORY;
  }
  std::string known;
  for (const std::string& n : backend_names()) known += (known.empty() ? "'" : ", '") + n + "'";
  *detail = "backend '" + name + "' is not in this build (it has " + known + ")";
  return FC_STATUS_UNSUPPORTED;
}

}  // namespace fc
