{
  "targets": [
    {
      "target_name": "dgr_openblas",
      "sources": ["openblas.c"],
      "include_dirs": ["<!(node openblas-location.mjs include)"],
      "cflags": ["-O3", "-fno-math-errno", "-Wall", "-Wextra"],
      "libraries": [
        "-L<!(node openblas-location.mjs lib)",
        "-Wl,-rpath,<!(node openblas-location.mjs lib)",
        "-lopenblas"
      ]
    }
  ]
}
