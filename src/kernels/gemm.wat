;; Double-precision matrix product on 128-bit SIMD lanes (f64x2): C += A·B over a range of k, for
;; A and B packed into panels of four rows (A) or four columns (B), four wide, so that the innermost
;; loop reads both operands sequentially. The packing is by depth blocks: the range k0..k0+kc of every
;; panel lies together, panel after panel, so a block of either operand is one contiguous stretch of
;; memory that the hardware's prefetch follows. A 4×4 block of C is summed in eight registers from zero
;; over the range and then added to C, so no product waits for C to arrive from memory. Columns of C
;; are taken 64 at a time (the outermost loop), so the 64 × kc block of packed B that every row band
;; reads stays in the second-level cache.
;; Each multiply-add is written `(f64x2.add c (f64x2.mul a b))`; scripts/build-kernels.ts assembles this
;; file as it is and, for runtimes with relaxed SIMD, with each of them fused (f64x2.relaxed_madd),
;; into src/kernels/gemm-wasm.ts.
(module
  ;; MEMORY (the build writes a private exported memory, and a variant importing a shared one)
  ;; ap, bp, c: byte offsets of the packed A, the packed B and C (row-major, n4 columns).
  ;; m4, n4: rows of A and columns of B, multiples of 4. k0, kc: the range of the depth, whose block
  ;; of packed A starts at ap + 8·k0·m4 (panel i/4 of it at 8·i·kc further) and of packed B at
  ;; bp + 8·k0·n4 (panel j/4 at 8·j·kc further).
  ;; i0, i1: the rows of C computed (multiples of 4), so that two threads can share one product.
  ;; upper: bit 0 set when C is symmetric (A'·A or A'·D·A), so only blocks on and above the diagonal are
  ;; computed; bit 1 set when C starts from zero (the range k0 = 0 then stores without loading C first).
  (func (export "gemm")
    (param $ap i32) (param $bp i32) (param $c i32) (param $m4 i32) (param $n4 i32)
    (param $k0 i32) (param $kc i32) (param $i0 i32) (param $i1 i32) (param $upper i32)
    (local $ib i32) (local $jb i32) (local $p i32) (local $pa i32) (local $pb i32)
    (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32) (local $row i32)
    (local $jc i32) (local $jend i32) (local $fresh i32) (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $row (i32.shl (local.get $n4) (i32.const 3)))
    (local.set $fresh (i32.and (i32.eqz (local.get $k0)) (i32.shr_u (local.get $upper) (i32.const 1))))
    (local.set $upper (i32.and (local.get $upper) (i32.const 1)))
    (local.set $jc (i32.const 0))
    (block $done_c
      (loop $next_c
    (br_if $done_c (i32.ge_u (local.get $jc) (local.get $n4)))
    ;; jend = min(jc + 64, n4)
    (local.set $jend (i32.add (local.get $jc) (i32.const 64)))
    (local.set $jend (select (local.get $n4) (local.get $jend) (i32.gt_u (local.get $jend) (local.get $n4))))
    (local.set $ib (local.get $i0))
    (block $done_i
      (loop $next_i
        (br_if $done_i (i32.ge_u (local.get $ib) (local.get $i1)))
        ;; jb starts at jc, or for a symmetric result at max(jc, ib)
        (local.set $jb (select
          (select (local.get $ib) (local.get $jc) (i32.gt_u (local.get $ib) (local.get $jc)))
          (local.get $jc) (local.get $upper)))
        (block $done_j
          (loop $next_j
            (br_if $done_j (i32.ge_u (local.get $jb) (local.get $jend)))
            (local.set $pa (i32.add (local.get $ap)
              (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $m4)) (i32.mul (local.get $ib) (local.get $kc))) (i32.const 3))))
            (local.set $pb (i32.add (local.get $bp)
              (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $n4)) (i32.mul (local.get $jb) (local.get $kc))) (i32.const 3))))
            (local.set $q0 (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $ib) (local.get $n4)) (local.get $jb)) (i32.const 3))))
            (local.set $q1 (i32.add (local.get $q0) (local.get $row)))
            (local.set $q2 (i32.add (local.get $q1) (local.get $row)))
            (local.set $q3 (i32.add (local.get $q2) (local.get $row)))
        (local.set $c00 (v128.const i64x2 0 0))
        (local.set $c01 (v128.const i64x2 0 0))
        (local.set $c10 (v128.const i64x2 0 0))
        (local.set $c11 (v128.const i64x2 0 0))
        (local.set $c20 (v128.const i64x2 0 0))
        (local.set $c21 (v128.const i64x2 0 0))
        (local.set $c30 (v128.const i64x2 0 0))
        (local.set $c31 (v128.const i64x2 0 0))
            (local.set $p (local.get $kc))
            (block $done_p
              (loop $next_p
                (br_if $done_p (i32.eqz (local.get $p)))
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
          (local.set $a (v128.load64_splat offset=0 (local.get $pa)))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load64_splat offset=8 (local.get $pa)))
          (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load64_splat offset=16 (local.get $pa)))
          (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load64_splat offset=24 (local.get $pa)))
          (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a) (local.get $b0))))
          (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $a) (local.get $b1))))
                (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
                (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $next_p)))
        (if (local.get $fresh)
          (then
        (v128.store (local.get $q0) (local.get $c00))
        (v128.store offset=16 (local.get $q0) (local.get $c01))
        (v128.store (local.get $q1) (local.get $c10))
        (v128.store offset=16 (local.get $q1) (local.get $c11))
        (v128.store (local.get $q2) (local.get $c20))
        (v128.store offset=16 (local.get $q2) (local.get $c21))
        (v128.store (local.get $q3) (local.get $c30))
        (v128.store offset=16 (local.get $q3) (local.get $c31)))
          (else
        (v128.store (local.get $q0) (f64x2.add (v128.load (local.get $q0)) (local.get $c00)))
        (v128.store offset=16 (local.get $q0) (f64x2.add (v128.load offset=16 (local.get $q0)) (local.get $c01)))
        (v128.store (local.get $q1) (f64x2.add (v128.load (local.get $q1)) (local.get $c10)))
        (v128.store offset=16 (local.get $q1) (f64x2.add (v128.load offset=16 (local.get $q1)) (local.get $c11)))
        (v128.store (local.get $q2) (f64x2.add (v128.load (local.get $q2)) (local.get $c20)))
        (v128.store offset=16 (local.get $q2) (f64x2.add (v128.load offset=16 (local.get $q2)) (local.get $c21)))
        (v128.store (local.get $q3) (f64x2.add (v128.load (local.get $q3)) (local.get $c30)))
        (v128.store offset=16 (local.get $q3) (f64x2.add (v128.load offset=16 (local.get $q3)) (local.get $c31)))))
            (local.set $jb (i32.add (local.get $jb) (i32.const 4)))
            (br $next_j)))
        (local.set $ib (i32.add (local.get $ib) (i32.const 4)))
        (br $next_i)))
    (local.set $jc (i32.add (local.get $jc) (i32.const 64)))
    (br $next_c)))))
