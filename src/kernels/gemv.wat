;; Double-precision matrix-vector products on 128-bit SIMD lanes (f64x2), reading a row-major matrix
;; where it lies in memory (no packing): the matrices a caller keeps resident in the arena
;; (src/kernels/resident.ts) are used in place. Four rows are taken per pass, so each load of x (gemv)
;; or of y (gemvT) serves four rows. The row operations of LU factorizations and triangular solves are
;; here too, taking four rows per load and store of the row they update. Assembled by
;; scripts/build-kernels.ts into src/kernels/gemv-wasm.ts, as it is and with the multiply-adds of gemv,
;; gemvT, gemvSym and gemmThin fused (relaxed SIMD).
(module
  ;; MEMORY (the arena's memory, imported)
  ;; y = A·x: A is m×n at byte offset a, x (n) at x, y (m) at y.
  (func (export "gemv")
    (param $a i32) (param $x i32) (param $y i32) (param $m i32) (param $n i32)
    (local $i i32) (local $j i32) (local $row i32) (local $n2 i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $xp i32)
    (local $v v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $w v128) (local $n8 i32) (local $u0 v128) (local $u1 v128) (local $u2 v128) (local $u3 v128)
    (local $t0 f64) (local $t1 f64) (local $t2 f64) (local $t3 f64) (local $xj f64)
    (local.set $row (i32.shl (local.get $n) (i32.const 3)))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (local.set $n8 (i32.and (local.get $n) (i32.const -8)))
    (local.set $i (i32.const 0))
    ;; four rows at a time
    (block $done4
      (loop $rows4
        (br_if $done4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (local.set $r0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $row))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $row)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $row)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $row)))
        (local.set $s0 (v128.const f64x2 0 0))
        (local.set $s1 (v128.const f64x2 0 0))
        (local.set $s2 (v128.const f64x2 0 0))
        (local.set $s3 (v128.const f64x2 0 0))
        (local.set $j (i32.const 0))
        (local.set $xp (local.get $x))
        ;; eight columns per step, two sums per row (s for the first vector of x of each pair, u for
        ;; the second), so no sum waits for its last multiply-add. The step is cut into four blocks by
        ;; exit tests that never pass (x is at a byte offset, never a negative one): the compiler
        ;; moves every load of a block to its start, and with the step as one block the loads of all
        ;; four vectors of x and sixteen of A pushed accumulators to the stack. Each block loads one
        ;; vector of x and four of A, and eight sums, five loads and a product fit in the registers.
        (local.set $u0 (v128.const f64x2 0 0))
        (local.set $u1 (v128.const f64x2 0 0))
        (local.set $u2 (v128.const f64x2 0 0))
        (local.set $u3 (v128.const f64x2 0 0))
        (block $done_j8
          (loop $cols8
            (br_if $done_j8 (i32.ge_s (local.get $j) (local.get $n8)))
            (local.set $v (v128.load offset=0 (local.get $xp)))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load offset=0 (local.get $r0)) (local.get $v))))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (v128.load offset=0 (local.get $r1)) (local.get $v))))
            (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (v128.load offset=0 (local.get $r2)) (local.get $v))))
            (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (v128.load offset=0 (local.get $r3)) (local.get $v))))
            (br_if $done_j8 (i32.eq (local.get $xp) (i32.const -2)))
            (local.set $w (v128.load offset=16 (local.get $xp)))
            (local.set $u0 (f64x2.add (local.get $u0) (f64x2.mul (v128.load offset=16 (local.get $r0)) (local.get $w))))
            (local.set $u1 (f64x2.add (local.get $u1) (f64x2.mul (v128.load offset=16 (local.get $r1)) (local.get $w))))
            (local.set $u2 (f64x2.add (local.get $u2) (f64x2.mul (v128.load offset=16 (local.get $r2)) (local.get $w))))
            (local.set $u3 (f64x2.add (local.get $u3) (f64x2.mul (v128.load offset=16 (local.get $r3)) (local.get $w))))
            (br_if $done_j8 (i32.eq (local.get $xp) (i32.const -3)))
            (local.set $v (v128.load offset=32 (local.get $xp)))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load offset=32 (local.get $r0)) (local.get $v))))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (v128.load offset=32 (local.get $r1)) (local.get $v))))
            (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (v128.load offset=32 (local.get $r2)) (local.get $v))))
            (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (v128.load offset=32 (local.get $r3)) (local.get $v))))
            (br_if $done_j8 (i32.eq (local.get $xp) (i32.const -4)))
            (local.set $w (v128.load offset=48 (local.get $xp)))
            (local.set $u0 (f64x2.add (local.get $u0) (f64x2.mul (v128.load offset=48 (local.get $r0)) (local.get $w))))
            (local.set $u1 (f64x2.add (local.get $u1) (f64x2.mul (v128.load offset=48 (local.get $r1)) (local.get $w))))
            (local.set $u2 (f64x2.add (local.get $u2) (f64x2.mul (v128.load offset=48 (local.get $r2)) (local.get $w))))
            (local.set $u3 (f64x2.add (local.get $u3) (f64x2.mul (v128.load offset=48 (local.get $r3)) (local.get $w))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 64)))
            (local.set $r1 (i32.add (local.get $r1) (i32.const 64)))
            (local.set $r2 (i32.add (local.get $r2) (i32.const 64)))
            (local.set $r3 (i32.add (local.get $r3) (i32.const 64)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 64)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $cols8)))
        (local.set $s0 (f64x2.add (local.get $s0) (local.get $u0)))
        (local.set $s1 (f64x2.add (local.get $s1) (local.get $u1)))
        (local.set $s2 (f64x2.add (local.get $s2) (local.get $u2)))
        (local.set $s3 (f64x2.add (local.get $s3) (local.get $u3)))
        ;; two columns at a time, the rest
        (block $done_j
          (loop $cols
            (br_if $done_j (i32.ge_s (local.get $j) (local.get $n2)))
            (local.set $v (v128.load (local.get $xp)))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load (local.get $r0)) (local.get $v))))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (v128.load (local.get $r1)) (local.get $v))))
            (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (v128.load (local.get $r2)) (local.get $v))))
            (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (v128.load (local.get $r3)) (local.get $v))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 16)))
            (local.set $r1 (i32.add (local.get $r1) (i32.const 16)))
            (local.set $r2 (i32.add (local.get $r2) (i32.const 16)))
            (local.set $r3 (i32.add (local.get $r3) (i32.const 16)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $cols)))
        (local.set $t0 (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
        (local.set $t1 (f64.add (f64x2.extract_lane 0 (local.get $s1)) (f64x2.extract_lane 1 (local.get $s1))))
        (local.set $t2 (f64.add (f64x2.extract_lane 0 (local.get $s2)) (f64x2.extract_lane 1 (local.get $s2))))
        (local.set $t3 (f64.add (f64x2.extract_lane 0 (local.get $s3)) (f64x2.extract_lane 1 (local.get $s3))))
        ;; an odd last column
        (if (i32.lt_s (local.get $n2) (local.get $n))
          (then
            (local.set $xj (f64.load (local.get $xp)))
            (local.set $t0 (f64.add (local.get $t0) (f64.mul (f64.load (local.get $r0)) (local.get $xj))))
            (local.set $t1 (f64.add (local.get $t1) (f64.mul (f64.load (local.get $r1)) (local.get $xj))))
            (local.set $t2 (f64.add (local.get $t2) (f64.mul (f64.load (local.get $r2)) (local.get $xj))))
            (local.set $t3 (f64.add (local.get $t3) (f64.mul (f64.load (local.get $r3)) (local.get $xj))))))
        (local.set $r0 (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))))
        (f64.store (local.get $r0) (local.get $t0))
        (f64.store offset=8 (local.get $r0) (local.get $t1))
        (f64.store offset=16 (local.get $r0) (local.get $t2))
        (f64.store offset=24 (local.get $r0) (local.get $t3))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4)))
    ;; the last rows, one at a time
    (block $done1
      (loop $rows1
        (br_if $done1 (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $r0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $row))))
        (local.set $t0 (f64.const 0))
        (local.set $j (i32.const 0))
        (block $done_j1
          (loop $cols1
            (br_if $done_j1 (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $t0 (f64.add (local.get $t0)
              (f64.mul (f64.load (local.get $r0)) (f64.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3)))))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 8)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols1)))
        (f64.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))) (local.get $t0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows1))))

  ;; y = A'·x: A is m×n at byte offset a with rows lda entries apart (n for a whole matrix, more for a
  ;; band of its columns), x (m) at x, y (n) at y; y is overwritten.
  (func (export "gemvT")
    (param $a i32) (param $x i32) (param $y i32) (param $m i32) (param $n i32) (param $lda i32)
    (local $i i32) (local $j i32) (local $row i32) (local $n2 i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $yp i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $x0 f64) (local $x1 f64) (local $x2 f64) (local $x3 f64) (local $t f64) (local $n4 i32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $row (i32.shl (local.get $lda) (i32.const 3)))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (memory.fill (local.get $y) (i32.const 0) (i32.shl (local.get $n) (i32.const 3)))
    (local.set $i (i32.const 0))
    ;; four rows at a time: y += x_i·A_i + x_{i+1}·A_{i+1} + …
    (block $done4
      (loop $rows4
        (br_if $done4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (local.set $r0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $row))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $row)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $row)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $row)))
        (local.set $x0 (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $x1 (f64.load offset=8 (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $x2 (f64.load offset=16 (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $x3 (f64.load offset=24 (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $s0 (f64x2.splat (local.get $x0)))
        (local.set $s1 (f64x2.splat (local.get $x1)))
        (local.set $s2 (f64x2.splat (local.get $x2)))
        (local.set $s3 (f64x2.splat (local.get $x3)))
        (local.set $j (i32.const 0))
        (local.set $yp (local.get $y))
        (block $done_j4
          (loop $cols4
            (br_if $done_j4 (i32.ge_s (local.get $j) (local.get $n4)))
            ;; y += A3·x3, += A2·x2, += A1·x1, += A0·x0: a chain of multiply-adds, which the build with
            ;; relaxed SIMD fuses (the plain build runs it as fast as a tree of additions); four
            ;; columns per step, so the pointers' increments and the loop's test serve twice the work
            (v128.store (local.get $yp)
              (f64x2.add (f64x2.add (f64x2.add (f64x2.add (v128.load (local.get $yp))
                (f64x2.mul (v128.load (local.get $r3)) (local.get $s3)))
                (f64x2.mul (v128.load (local.get $r2)) (local.get $s2)))
                (f64x2.mul (v128.load (local.get $r1)) (local.get $s1)))
                (f64x2.mul (v128.load (local.get $r0)) (local.get $s0))))
            (v128.store offset=16 (local.get $yp)
              (f64x2.add (f64x2.add (f64x2.add (f64x2.add (v128.load offset=16 (local.get $yp))
                (f64x2.mul (v128.load offset=16 (local.get $r3)) (local.get $s3)))
                (f64x2.mul (v128.load offset=16 (local.get $r2)) (local.get $s2)))
                (f64x2.mul (v128.load offset=16 (local.get $r1)) (local.get $s1)))
                (f64x2.mul (v128.load offset=16 (local.get $r0)) (local.get $s0))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 32)))
            (local.set $r1 (i32.add (local.get $r1) (i32.const 32)))
            (local.set $r2 (i32.add (local.get $r2) (i32.const 32)))
            (local.set $r3 (i32.add (local.get $r3) (i32.const 32)))
            (local.set $yp (i32.add (local.get $yp) (i32.const 32)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols4)))
        (block $done_j
          (loop $cols
            (br_if $done_j (i32.ge_s (local.get $j) (local.get $n2)))
            ;; y += (A0·x0 + A1·x1) + (A2·x2 + A3·x3): short chains of additions
            (v128.store (local.get $yp) (f64x2.add (v128.load (local.get $yp))
              (f64x2.add
                (f64x2.add (f64x2.mul (v128.load (local.get $r0)) (local.get $s0))
                           (f64x2.mul (v128.load (local.get $r1)) (local.get $s1)))
                (f64x2.add (f64x2.mul (v128.load (local.get $r2)) (local.get $s2))
                           (f64x2.mul (v128.load (local.get $r3)) (local.get $s3))))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 16)))
            (local.set $r1 (i32.add (local.get $r1) (i32.const 16)))
            (local.set $r2 (i32.add (local.get $r2) (i32.const 16)))
            (local.set $r3 (i32.add (local.get $r3) (i32.const 16)))
            (local.set $yp (i32.add (local.get $yp) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $cols)))
        ;; an odd last column
        (if (i32.lt_s (local.get $n2) (local.get $n))
          (then
            (local.set $t (f64.load (local.get $yp)))
            (local.set $t (f64.add (local.get $t) (f64.mul (f64.load (local.get $r0)) (local.get $x0))))
            (local.set $t (f64.add (local.get $t) (f64.mul (f64.load (local.get $r1)) (local.get $x1))))
            (local.set $t (f64.add (local.get $t) (f64.mul (f64.load (local.get $r2)) (local.get $x2))))
            (local.set $t (f64.add (local.get $t) (f64.mul (f64.load (local.get $r3)) (local.get $x3))))
            (f64.store (local.get $yp) (local.get $t))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4)))
    ;; the last rows, one at a time
    (block $done1
      (loop $rows1
        (br_if $done1 (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $r0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $row))))
        (local.set $x0 (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $j (i32.const 0))
        (local.set $yp (local.get $y))
        (block $done_j1
          (loop $cols1
            (br_if $done_j1 (i32.ge_s (local.get $j) (local.get $n)))
            (f64.store (local.get $yp)
              (f64.add (f64.load (local.get $yp)) (f64.mul (f64.load (local.get $r0)) (local.get $x0))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 8)))
            (local.set $yp (i32.add (local.get $yp) (i32.const 8)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows1))))

  ;; y = (A + A')·x for a square A (n×n at byte offset a), x at x, y at y; A is read once: each block of
  ;; four rows serves the four dot products of A·x and the update of A'·x.
  (func (export "gemvSym")
    (param $a i32) (param $x i32) (param $y i32) (param $n i32)
    (local $i i32) (local $j i32) (local $row i32) (local $n2 i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $xp i32) (local $yp i32)
    (local $v v128) (local $entries v128) (local $update v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $xj f64) (local $xi f64) (local $t f64) (local $e f64)
    (local.set $row (i32.shl (local.get $n) (i32.const 3)))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (memory.fill (local.get $y) (i32.const 0) (local.get $row))
    (local.set $i (i32.const 0))
    (block $done4
      (loop $rows4
        (br_if $done4 (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
        (local.set $r0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $row))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $row)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $row)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $row)))
        (local.set $xp (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $x0 (v128.load64_splat (local.get $xp)))
        (local.set $x1 (v128.load64_splat offset=8 (local.get $xp)))
        (local.set $x2 (v128.load64_splat offset=16 (local.get $xp)))
        (local.set $x3 (v128.load64_splat offset=24 (local.get $xp)))
        (local.set $s0 (v128.const f64x2 0 0))
        (local.set $s1 (v128.const f64x2 0 0))
        (local.set $s2 (v128.const f64x2 0 0))
        (local.set $s3 (v128.const f64x2 0 0))
        (local.set $j (i32.const 0))
        (local.set $xp (local.get $x))
        (local.set $yp (local.get $y))
        (block $done_j
          (loop $cols
            (br_if $done_j (i32.ge_s (local.get $j) (local.get $n2)))
            (local.set $v (v128.load (local.get $xp)))
            ;; one row at a time: each row's entries serve its dot product and the update of y, and
            ;; are then dead (four rows' entries held at once spilled accumulators to the stack)
            (local.set $entries (v128.load (local.get $r0)))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $entries) (local.get $v))))
            (local.set $update (f64x2.mul (local.get $entries) (local.get $x0)))
            (local.set $entries (v128.load (local.get $r1)))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $entries) (local.get $v))))
            (local.set $update (f64x2.add (local.get $update) (f64x2.mul (local.get $entries) (local.get $x1))))
            (local.set $entries (v128.load (local.get $r2)))
            (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $entries) (local.get $v))))
            (local.set $update (f64x2.add (local.get $update) (f64x2.mul (local.get $entries) (local.get $x2))))
            (local.set $entries (v128.load (local.get $r3)))
            (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $entries) (local.get $v))))
            (local.set $update (f64x2.add (local.get $update) (f64x2.mul (local.get $entries) (local.get $x3))))
            (v128.store (local.get $yp) (f64x2.add (v128.load (local.get $yp)) (local.get $update)))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 16)))
            (local.set $r1 (i32.add (local.get $r1) (i32.const 16)))
            (local.set $r2 (i32.add (local.get $r2) (i32.const 16)))
            (local.set $r3 (i32.add (local.get $r3) (i32.const 16)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
            (local.set $yp (i32.add (local.get $yp) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $cols)))
        (local.set $s0 (f64x2.splat (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0)))))
        (local.set $s1 (f64x2.splat (f64.add (f64x2.extract_lane 0 (local.get $s1)) (f64x2.extract_lane 1 (local.get $s1)))))
        (local.set $s2 (f64x2.splat (f64.add (f64x2.extract_lane 0 (local.get $s2)) (f64x2.extract_lane 1 (local.get $s2)))))
        (local.set $s3 (f64x2.splat (f64.add (f64x2.extract_lane 0 (local.get $s3)) (f64x2.extract_lane 1 (local.get $s3)))))
        ;; an odd last column: both parts for its one entry per row
        (if (i32.lt_s (local.get $n2) (local.get $n))
          (then
            (local.set $xj (f64.load (local.get $xp)))
            (local.set $t (f64.load (local.get $yp)))
            (local.set $e (f64.load (local.get $r0)))
            (local.set $s0 (f64x2.replace_lane 0 (local.get $s0) (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64.mul (local.get $e) (local.get $xj)))))
            (local.set $t (f64.add (local.get $t) (f64.mul (local.get $e) (f64x2.extract_lane 0 (local.get $x0)))))
            (local.set $e (f64.load (local.get $r1)))
            (local.set $s1 (f64x2.replace_lane 0 (local.get $s1) (f64.add (f64x2.extract_lane 0 (local.get $s1)) (f64.mul (local.get $e) (local.get $xj)))))
            (local.set $t (f64.add (local.get $t) (f64.mul (local.get $e) (f64x2.extract_lane 0 (local.get $x1)))))
            (local.set $e (f64.load (local.get $r2)))
            (local.set $s2 (f64x2.replace_lane 0 (local.get $s2) (f64.add (f64x2.extract_lane 0 (local.get $s2)) (f64.mul (local.get $e) (local.get $xj)))))
            (local.set $t (f64.add (local.get $t) (f64.mul (local.get $e) (f64x2.extract_lane 0 (local.get $x2)))))
            (local.set $e (f64.load (local.get $r3)))
            (local.set $s3 (f64x2.replace_lane 0 (local.get $s3) (f64.add (f64x2.extract_lane 0 (local.get $s3)) (f64.mul (local.get $e) (local.get $xj)))))
            (local.set $t (f64.add (local.get $t) (f64.mul (local.get $e) (f64x2.extract_lane 0 (local.get $x3)))))
            (f64.store (local.get $yp) (local.get $t))))
        ;; the four dot products join their entries of y
        (local.set $yp (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))))
        (f64.store (local.get $yp) (f64.add (f64.load (local.get $yp)) (f64x2.extract_lane 0 (local.get $s0))))
        (f64.store offset=8 (local.get $yp) (f64.add (f64.load offset=8 (local.get $yp)) (f64x2.extract_lane 0 (local.get $s1))))
        (f64.store offset=16 (local.get $yp) (f64.add (f64.load offset=16 (local.get $yp)) (f64x2.extract_lane 0 (local.get $s2))))
        (f64.store offset=24 (local.get $yp) (f64.add (f64.load offset=24 (local.get $yp)) (f64x2.extract_lane 0 (local.get $s3))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4)))
    ;; the last rows, one at a time
    (block $done1
      (loop $rows1
        (br_if $done1 (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $r0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $row))))
        (local.set $xi (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $t (f64.const 0))
        (local.set $j (i32.const 0))
        (local.set $xp (local.get $x))
        (local.set $yp (local.get $y))
        (block $done_j1
          (loop $cols1
            (br_if $done_j1 (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $e (f64.load (local.get $r0)))
            (local.set $t (f64.add (local.get $t) (f64.mul (local.get $e) (f64.load (local.get $xp)))))
            (f64.store (local.get $yp) (f64.add (f64.load (local.get $yp)) (f64.mul (local.get $e) (local.get $xi))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 8)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 8)))
            (local.set $yp (i32.add (local.get $yp) (i32.const 8)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols1)))
        (local.set $yp (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))))
        (f64.store (local.get $yp) (f64.add (f64.load (local.get $yp)) (local.get $t)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows1))))

  ;; Zeros `bytes` bytes from byte offset p (a memset; typed arrays on shared memory fill slowly).
  (func (export "zero") (param $p i32) (param $bytes i32)
    (memory.fill (local.get $p) (i32.const 0) (local.get $bytes)))

  ;; C = alpha·A·B + beta·T for a thin B (few columns) or a shallow one (few rows): A is m×k at byte
  ;; offset a, B k×n at b, C and T m×n at c and t (t = -1: no T; all row-major, read in place, rows
  ;; lda, ldb and ldc entries apart, T's as C's). T may be C itself: C -= A·B is alpha = -1, beta = 1,
  ;; t = c (each entry of C is read once, then written once).
  ;; Two rows of A at a time against eight columns of B at a time, the 2×8 block of A·B in eight
  ;; registers over the whole depth; narrower leftovers two columns, then one, at a time. A is read in
  ;; place, so a resident matrix needs no packing; with T, a residual such as U·V' - T is one pass.
  (func (export "gemmThin")
    (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (param $m i32) (param $k i32) (param $n i32) (param $t i32) (param $alpha f64) (param $beta f64)
    (local $i i32) (local $j i32) (local $p i32) (local $ra i32) (local $rb i32) (local $pa i32) (local $pb i32)
    (local $pc i32) (local $rowA i32) (local $rowB i32) (local $rowC i32) (local $last i32)
    (local $x0 v128) (local $x1 v128) (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128)
    (local $s f64) (local $u f64) (local $e f64)
    (local $va v128) (local $vb v128) (local $tc i32) (local $hasT i32)
    ;; The sum is stored as alpha·(A·B) + beta·T, T read at C's address plus tc; without T, tc = 0 (an
    ;; address that is valid, whose product select then drops).
    (local.set $va (f64x2.splat (local.get $alpha)))
    (local.set $vb (f64x2.splat (local.get $beta)))
    (local.set $hasT (i32.ge_s (local.get $t) (i32.const 0)))
    (local.set $tc (select (i32.sub (local.get $t) (local.get $c)) (i32.const 0) (local.get $hasT)))
    (local.set $rowA (i32.shl (local.get $lda) (i32.const 3)))
    (local.set $rowB (i32.shl (local.get $ldb) (i32.const 3)))
    (local.set $rowC (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $done_i
      (loop $rows
        (br_if $done_i (i32.ge_s (local.get $i) (local.get $m)))
        ;; rows i and i+1 of A (the last row twice when m is odd; its copy is not stored)
        (local.set $ra (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowA))))
        (local.set $last (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $m)))
        (local.set $rb (select (local.get $ra) (i32.add (local.get $ra) (local.get $rowA)) (local.get $last)))
        (local.set $pc (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rowC))))
        (local.set $j (i32.const 0))
        ;; eight columns at a time
        (block $done8
          (loop $cols8
            (br_if $done8 (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
            (local.set $c0 (v128.const f64x2 0 0)) (local.set $c1 (v128.const f64x2 0 0))
            (local.set $c2 (v128.const f64x2 0 0)) (local.set $c3 (v128.const f64x2 0 0))
            (local.set $d0 (v128.const f64x2 0 0)) (local.set $d1 (v128.const f64x2 0 0))
            (local.set $d2 (v128.const f64x2 0 0)) (local.set $d3 (v128.const f64x2 0 0))
            (local.set $pa (local.get $ra))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $p (local.get $k))
            (block $done_p8
              (loop $depth8
                (br_if $done_p8 (i32.eqz (local.get $p)))
                (local.set $x0 (v128.load64_splat (local.get $pa)))
                (local.set $x1 (v128.load64_splat (i32.add (local.get $pa) (i32.sub (local.get $rb) (local.get $ra)))))
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $b2 (v128.load offset=32 (local.get $pb)))
                (local.set $b3 (v128.load offset=48 (local.get $pb)))
                (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $x0) (local.get $b0))))
                (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $x0) (local.get $b1))))
                (local.set $c2 (f64x2.add (local.get $c2) (f64x2.mul (local.get $x0) (local.get $b2))))
                (local.set $c3 (f64x2.add (local.get $c3) (f64x2.mul (local.get $x0) (local.get $b3))))
                (local.set $d0 (f64x2.add (local.get $d0) (f64x2.mul (local.get $x1) (local.get $b0))))
                (local.set $d1 (f64x2.add (local.get $d1) (f64x2.mul (local.get $x1) (local.get $b1))))
                (local.set $d2 (f64x2.add (local.get $d2) (f64x2.mul (local.get $x1) (local.get $b2))))
                (local.set $d3 (f64x2.add (local.get $d3) (f64x2.mul (local.get $x1) (local.get $b3))))
                (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
                (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $depth8)))
            (local.set $pb (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 3))))
            (v128.store (i32.add (local.get $pb) (i32.const 0)) (f64x2.add (f64x2.mul (local.get $c0) (local.get $va)) (select (f64x2.mul (v128.load (i32.add (local.get $tc) (i32.add (local.get $pb) (i32.const 0)))) (local.get $vb)) (v128.const f64x2 0 0) (local.get $hasT))))
            (v128.store (i32.add (local.get $pb) (i32.const 16)) (f64x2.add (f64x2.mul (local.get $c1) (local.get $va)) (select (f64x2.mul (v128.load (i32.add (local.get $tc) (i32.add (local.get $pb) (i32.const 16)))) (local.get $vb)) (v128.const f64x2 0 0) (local.get $hasT))))
            (v128.store (i32.add (local.get $pb) (i32.const 32)) (f64x2.add (f64x2.mul (local.get $c2) (local.get $va)) (select (f64x2.mul (v128.load (i32.add (local.get $tc) (i32.add (local.get $pb) (i32.const 32)))) (local.get $vb)) (v128.const f64x2 0 0) (local.get $hasT))))
            (v128.store (i32.add (local.get $pb) (i32.const 48)) (f64x2.add (f64x2.mul (local.get $c3) (local.get $va)) (select (f64x2.mul (v128.load (i32.add (local.get $tc) (i32.add (local.get $pb) (i32.const 48)))) (local.get $vb)) (v128.const f64x2 0 0) (local.get $hasT))))
            (if (i32.eqz (local.get $last))
              (then
                (local.set $pb (i32.add (local.get $pb) (local.get $rowC)))
                (v128.store (i32.add (local.get $pb) (i32.const 0)) (f64x2.add (f64x2.mul (local.get $d0) (local.get $va)) (select (f64x2.mul (v128.load (i32.add (local.get $tc) (i32.add (local.get $pb) (i32.const 0)))) (local.get $vb)) (v128.const f64x2 0 0) (local.get $hasT))))
                (v128.store (i32.add (local.get $pb) (i32.const 16)) (f64x2.add (f64x2.mul (local.get $d1) (local.get $va)) (select (f64x2.mul (v128.load (i32.add (local.get $tc) (i32.add (local.get $pb) (i32.const 16)))) (local.get $vb)) (v128.const f64x2 0 0) (local.get $hasT))))
                (v128.store (i32.add (local.get $pb) (i32.const 32)) (f64x2.add (f64x2.mul (local.get $d2) (local.get $va)) (select (f64x2.mul (v128.load (i32.add (local.get $tc) (i32.add (local.get $pb) (i32.const 32)))) (local.get $vb)) (v128.const f64x2 0 0) (local.get $hasT))))
                (v128.store (i32.add (local.get $pb) (i32.const 48)) (f64x2.add (f64x2.mul (local.get $d3) (local.get $va)) (select (f64x2.mul (v128.load (i32.add (local.get $tc) (i32.add (local.get $pb) (i32.const 48)))) (local.get $vb)) (v128.const f64x2 0 0) (local.get $hasT))))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $cols8)))
        ;; two columns at a time
        (block $done2
          (loop $cols2
            (br_if $done2 (i32.gt_s (i32.add (local.get $j) (i32.const 2)) (local.get $n)))
            (local.set $c0 (v128.const f64x2 0 0))
            (local.set $d0 (v128.const f64x2 0 0))
            (local.set $pa (local.get $ra))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $p (local.get $k))
            (block $done_p2
              (loop $depth2
                (br_if $done_p2 (i32.eqz (local.get $p)))
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (v128.load64_splat (local.get $pa)) (local.get $b0))))
                (local.set $d0 (f64x2.add (local.get $d0)
                  (f64x2.mul (v128.load64_splat (i32.add (local.get $pa) (i32.sub (local.get $rb) (local.get $ra)))) (local.get $b0))))
                (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
                (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $depth2)))
            (local.set $pb (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 3))))
            (v128.store (local.get $pb) (f64x2.add (f64x2.mul (local.get $c0) (local.get $va)) (select (f64x2.mul (v128.load (i32.add (local.get $tc) (local.get $pb))) (local.get $vb)) (v128.const f64x2 0 0) (local.get $hasT))))
            (if (i32.eqz (local.get $last))
              (then (v128.store (i32.add (local.get $pb) (local.get $rowC)) (f64x2.add (f64x2.mul (local.get $d0) (local.get $va)) (select (f64x2.mul (v128.load (i32.add (local.get $tc) (i32.add (local.get $pb) (local.get $rowC)))) (local.get $vb)) (v128.const f64x2 0 0) (local.get $hasT))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $cols2)))
        ;; an odd last column
        (if (i32.lt_s (local.get $j) (local.get $n))
          (then
            (local.set $s (f64.const 0))
            (local.set $u (f64.const 0))
            (local.set $pa (local.get $ra))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $p (local.get $k))
            (block $done_p1
              (loop $depth1
                (br_if $done_p1 (i32.eqz (local.get $p)))
                (local.set $e (f64.load (local.get $pb)))
                (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $pa)) (local.get $e))))
                (local.set $u (f64.add (local.get $u)
                  (f64.mul (f64.load (i32.add (local.get $pa) (i32.sub (local.get $rb) (local.get $ra)))) (local.get $e))))
                (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
                (local.set $pb (i32.add (local.get $pb) (local.get $rowB)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $depth1)))
            (local.set $pb (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 3))))
            (call $put1 (local.get $c) (local.get $t) (local.get $pb) (local.get $s) (local.get $alpha) (local.get $beta))
            (if (i32.eqz (local.get $last))
              (then (call $put1 (local.get $c) (local.get $t) (i32.add (local.get $pb) (local.get $rowC))
                (local.get $u) (local.get $alpha) (local.get $beta))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows))))

  ;; Stores alpha·v (+ beta·T at the same place, when there is a T) at address p of C (base c).
  (func $put1 (param $c i32) (param $t i32) (param $p i32) (param $v f64) (param $alpha f64) (param $beta f64)
    (local $r f64)
    (local.set $r (f64.mul (local.get $v) (local.get $alpha)))
    (if (i32.ge_s (local.get $t) (i32.const 0))
      (then (local.set $r (f64.add (local.get $r)
        (f64.mul (f64.load (i32.add (local.get $t) (i32.sub (local.get $p) (local.get $c)))) (local.get $beta))))))
    (f64.store (local.get $p) (local.get $r)))

  ;; x_i -= l·x_k over `cols` entries (rows at byte offsets xi and xk): the step of a triangular solve.
  (func $axpy (param $xi i32) (param $xk i32) (param $l f64) (param $cols i32)
    (local $j i32) (local $c2 i32) (local $v v128)
    (local.set $v (f64x2.splat (local.get $l)))
    (local.set $c2 (i32.shl (i32.and (local.get $cols) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $c2)))
        (v128.store (i32.add (local.get $xi) (local.get $j))
          (f64x2.sub (v128.load (i32.add (local.get $xi) (local.get $j)))
            (f64x2.mul (v128.load (i32.add (local.get $xk) (local.get $j))) (local.get $v))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $next)))
    (if (i32.and (local.get $cols) (i32.const 1))
      (then
        (f64.store (i32.add (local.get $xi) (local.get $j))
          (f64.sub (f64.load (i32.add (local.get $xi) (local.get $j)))
            (f64.mul (f64.load (i32.add (local.get $xk) (local.get $j))) (local.get $l)))))))

  ;; x_i -= l0·x_k + l1·x_{k+1} + l2·x_{k+2} + l3·x_{k+3} over cols entries, the rows x_k.. stride bytes
  ;; apart: four rows per load and store of x_i (a rank-4 update of one row).
  (func $update4 (param $xi i32) (param $xk i32) (param $stride i32)
    (param $l0 f64) (param $l1 f64) (param $l2 f64) (param $l3 f64) (param $cols i32)
    (local $j i32) (local $c2 i32) (local $k1 i32) (local $k2 i32) (local $k3 i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $v0 (f64x2.splat (local.get $l0)))
    (local.set $v1 (f64x2.splat (local.get $l1)))
    (local.set $v2 (f64x2.splat (local.get $l2)))
    (local.set $v3 (f64x2.splat (local.get $l3)))
    (local.set $k1 (i32.add (local.get $xk) (local.get $stride)))
    (local.set $k2 (i32.add (local.get $k1) (local.get $stride)))
    (local.set $k3 (i32.add (local.get $k2) (local.get $stride)))
    (local.set $c2 (i32.shl (i32.and (local.get $cols) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $c2)))
        (v128.store (i32.add (local.get $xi) (local.get $j))
          (f64x2.sub (v128.load (i32.add (local.get $xi) (local.get $j)))
            (f64x2.add
              (f64x2.add
                (f64x2.mul (v128.load (i32.add (local.get $xk) (local.get $j))) (local.get $v0))
                (f64x2.mul (v128.load (i32.add (local.get $k1) (local.get $j))) (local.get $v1)))
              (f64x2.add
                (f64x2.mul (v128.load (i32.add (local.get $k2) (local.get $j))) (local.get $v2))
                (f64x2.mul (v128.load (i32.add (local.get $k3) (local.get $j))) (local.get $v3))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $next)))
    (if (i32.and (local.get $cols) (i32.const 1))
      (then
        (f64.store (i32.add (local.get $xi) (local.get $j))
          (f64.sub (f64.load (i32.add (local.get $xi) (local.get $j)))
            (f64.add
              (f64.add
                (f64.mul (f64.load (i32.add (local.get $xk) (local.get $j))) (local.get $l0))
                (f64.mul (f64.load (i32.add (local.get $k1) (local.get $j))) (local.get $l1)))
              (f64.add
                (f64.mul (f64.load (i32.add (local.get $k2) (local.get $j))) (local.get $l2))
                (f64.mul (f64.load (i32.add (local.get $k3) (local.get $j))) (local.get $l3)))))))))

  ;; x_i -= Σ_{p<k} l[p]·(the row at xk + p·stride) over cols entries: four rows at a time, then one.
  (func $subtractRow (param $xi i32) (param $l i32) (param $xk i32) (param $stride i32) (param $k i32)
    (param $cols i32)
    (local $p i32) (local $lp f64)
    (block $done4
      (loop $fours
        (br_if $done4 (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $k)))
        (call $update4 (local.get $xi) (local.get $xk) (local.get $stride)
          (f64.load (local.get $l)) (f64.load offset=8 (local.get $l))
          (f64.load offset=16 (local.get $l)) (f64.load offset=24 (local.get $l)) (local.get $cols))
        (local.set $l (i32.add (local.get $l) (i32.const 32)))
        (local.set $xk (i32.add (local.get $xk) (i32.shl (local.get $stride) (i32.const 2))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $fours)))
    (block $done
      (loop $ones
        (br_if $done (i32.ge_s (local.get $p) (local.get $k)))
        (local.set $lp (f64.load (local.get $l)))
        (if (f64.ne (local.get $lp) (f64.const 0))
          (then (call $axpy (local.get $xi) (local.get $xk) (local.get $lp) (local.get $cols))))
        (local.set $l (i32.add (local.get $l) (i32.const 8)))
        (local.set $xk (i32.add (local.get $xk) (local.get $stride)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $ones))))

  (func (export "rowSolve")
    (param $lu i32) (param $x i32) (param $n i32) (param $cols i32) (param $xStride i32)
    (param $r0 i32) (param $r1 i32) (param $upper i32)
    (local $i i32) (local $xi i32) (local $row i32) (local $j i32) (local $d v128) (local $c2 i32)
    (local.set $row (i32.shl (local.get $xStride) (i32.const 3)))
    (if (i32.eqz (local.get $upper))
      (then
        (local.set $i (i32.add (local.get $r0) (i32.const 1)))
        (block $done
          (loop $rows
            (br_if $done (i32.ge_s (local.get $i) (local.get $r1)))
            (call $subtractRow
              (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $row)))
              (i32.add (local.get $lu) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $r0)) (i32.const 3)))
              (i32.add (local.get $x) (i32.mul (local.get $r0) (local.get $row)))
              (local.get $row) (i32.sub (local.get $i) (local.get $r0)) (local.get $cols))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows))))
      (else
        (local.set $c2 (i32.shl (i32.and (local.get $cols) (i32.const -2)) (i32.const 3)))
        (local.set $i (i32.sub (local.get $r1) (i32.const 1)))
        (block $done
          (loop $rows
            (br_if $done (i32.lt_s (local.get $i) (local.get $r0)))
            (local.set $xi (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $row))))
            (call $subtractRow (local.get $xi)
              (i32.add (local.get $lu) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (i32.add (local.get $i) (i32.const 1))) (i32.const 3)))
              (i32.add (local.get $xi) (local.get $row))
              (local.get $row) (i32.sub (i32.sub (local.get $r1) (local.get $i)) (i32.const 1)) (local.get $cols))
            (local.set $d (v128.load64_splat (i32.add (local.get $lu)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $i)) (i32.const 3)))))
            (local.set $j (i32.const 0))
            (block $done_j
              (loop $js
                (br_if $done_j (i32.ge_u (local.get $j) (local.get $c2)))
                (v128.store (i32.add (local.get $xi) (local.get $j))
                  (f64x2.div (v128.load (i32.add (local.get $xi) (local.get $j))) (local.get $d)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $js)))
            (if (i32.and (local.get $cols) (i32.const 1))
              (then (f64.store (i32.add (local.get $xi) (local.get $j))
                (f64.div (f64.load (i32.add (local.get $xi) (local.get $j))) (f64x2.extract_lane 0 (local.get $d))))))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br $rows))))))

  ;; One column of a panel's elimination: below row k of the n×n matrix at lu, each row's multiplier
  ;; f = lu[i,k] / lu[k,k] is stored in column k and f·(row k) taken from columns k+1..k1.
  (func $eliminateColumn (param $lu i32) (param $n i32) (param $k i32) (param $k1 i32)
    (local $i i32) (local $ri i32) (local $rk i32) (local $pivot f64) (local $f f64) (local $at i32)
    (local.set $rk (i32.add (local.get $lu) (i32.shl (i32.mul (local.get $k) (local.get $n)) (i32.const 3))))
    (local.set $pivot (f64.load (i32.add (local.get $rk) (i32.shl (local.get $k) (i32.const 3)))))
    (local.set $i (i32.add (local.get $k) (i32.const 1)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $ri (i32.add (local.get $lu) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $at (i32.add (local.get $ri) (i32.shl (local.get $k) (i32.const 3))))
        (local.set $f (f64.div (f64.load (local.get $at)) (local.get $pivot)))
        (f64.store (local.get $at) (local.get $f))
        (if (f64.ne (local.get $f) (f64.const 0))
          (then (call $axpy
            (i32.add (local.get $at) (i32.const 8))
            (i32.add (local.get $rk) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 3)))
            (local.get $f)
            (i32.sub (i32.sub (local.get $k1) (local.get $k)) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; Column k of a panel's elimination with partial pivoting: the row p ≥ k with the largest |lu[p,k]|
  ;; (the first one) is exchanged with row k over all n columns, then, unless |lu[k,k]| ≤ tiny, column
  ;; k is eliminated below row k over columns k+1..k1 (as "eliminate"). Returns p, or -1-p when the
  ;; pivot is tiny (nothing eliminated).
  (func (export "pivotEliminate") (param $lu i32) (param $n i32) (param $k i32) (param $k1 i32)
    (param $tiny f64) (result i32)
    (local $i i32) (local $p i32) (local $best f64) (local $v f64) (local $at i32) (local $row i32)
    (local $rk i32) (local $rp i32) (local $j i32) (local $n2 i32) (local $t v128) (local $e f64)
    (local.set $row (i32.shl (local.get $n) (i32.const 3)))
    (local.set $at (i32.add (local.get $lu) (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $k)) (i32.const 3))))
    (local.set $p (local.get $k))
    (local.set $best (f64.abs (f64.load (local.get $at))))
    (local.set $i (i32.add (local.get $k) (i32.const 1)))
    (block $found
      (loop $search
        (br_if $found (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $at (i32.add (local.get $at) (local.get $row)))
        (local.set $v (f64.abs (f64.load (local.get $at))))
        (if (f64.gt (local.get $v) (local.get $best))
          (then (local.set $best (local.get $v)) (local.set $p (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $search)))
    (if (i32.ne (local.get $p) (local.get $k))
      (then
        (local.set $rk (i32.add (local.get $lu) (i32.mul (local.get $k) (local.get $row))))
        (local.set $rp (i32.add (local.get $lu) (i32.mul (local.get $p) (local.get $row))))
        (local.set $n2 (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
        (local.set $j (i32.const 0))
        (block $swapped
          (loop $swap
            (br_if $swapped (i32.ge_u (local.get $j) (local.get $n2)))
            (local.set $t (v128.load (i32.add (local.get $rk) (local.get $j))))
            (v128.store (i32.add (local.get $rk) (local.get $j)) (v128.load (i32.add (local.get $rp) (local.get $j))))
            (v128.store (i32.add (local.get $rp) (local.get $j)) (local.get $t))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $swap)))
        (if (i32.and (local.get $n) (i32.const 1))
          (then
            (local.set $e (f64.load (i32.add (local.get $rk) (local.get $j))))
            (f64.store (i32.add (local.get $rk) (local.get $j)) (f64.load (i32.add (local.get $rp) (local.get $j))))
            (f64.store (i32.add (local.get $rp) (local.get $j)) (local.get $e))))))
    (if (f64.le (local.get $best) (local.get $tiny))
      (then (return (i32.sub (i32.const -1) (local.get $p)))))
    (call $eliminateColumn (local.get $lu) (local.get $n) (local.get $k) (local.get $k1))
    (local.get $p))

  ;; C = A + A' for a square A (n×n at a, C at c; they may not overlap). Blocks of 2×2 on and above the
  ;; diagonal: A's block (i, j) and the transpose of its block (j, i), shuffled in registers, give
  ;; C's block (i, j), whose transpose is C's block (j, i). An odd last row and column by entries.
  (func (export "plusTranspose") (param $a i32) (param $c i32) (param $n i32)
    (local $i i32) (local $j i32) (local $n2 i32) (local $row i32) (local $ij i32) (local $ji i32)
    (local $r0 v128) (local $r1 v128) (local $s0 v128) (local $s1 v128) (local $u0 v128) (local $u1 v128)
    (local $e f64)
    (local.set $row (i32.shl (local.get $n) (i32.const 3)))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (local.set $i (i32.const 0))
    (block $done_i
      (loop $rows
        (br_if $done_i (i32.ge_s (local.get $i) (local.get $n2)))
        (local.set $j (local.get $i))
        (block $done_j
          (loop $cols
            (br_if $done_j (i32.ge_s (local.get $j) (local.get $n2)))
            ;; byte offsets of entries (i, j) and (j, i)
            (local.set $ij (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
            (local.set $ji (i32.shl (i32.add (i32.mul (local.get $j) (local.get $n)) (local.get $i)) (i32.const 3)))
            (local.set $r0 (v128.load (i32.add (local.get $a) (local.get $ij))))
            (local.set $r1 (v128.load (i32.add (i32.add (local.get $a) (local.get $ij)) (local.get $row))))
            (local.set $s0 (v128.load (i32.add (local.get $a) (local.get $ji))))
            (local.set $s1 (v128.load (i32.add (i32.add (local.get $a) (local.get $ji)) (local.get $row))))
            ;; rows i, i+1 of C over columns j, j+1: A's plus the columns of A's block (j, i)
            (local.set $u0 (f64x2.add (local.get $r0)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $s0) (local.get $s1))))
            (local.set $u1 (f64x2.add (local.get $r1)
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $s0) (local.get $s1))))
            (v128.store (i32.add (local.get $c) (local.get $ij)) (local.get $u0))
            (v128.store (i32.add (i32.add (local.get $c) (local.get $ij)) (local.get $row)) (local.get $u1))
            (v128.store (i32.add (local.get $c) (local.get $ji))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u0) (local.get $u1)))
            (v128.store (i32.add (i32.add (local.get $c) (local.get $ji)) (local.get $row))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u0) (local.get $u1)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows)))
    ;; an odd last row and column
    (if (i32.lt_s (local.get $n2) (local.get $n))
      (then
        (local.set $i (i32.const 0))
        (block $done
          (loop $last
            (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
            (local.set $ij (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $n2)) (i32.const 3)))
            (local.set $ji (i32.shl (i32.add (i32.mul (local.get $n2) (local.get $n)) (local.get $i)) (i32.const 3)))
            (local.set $e (f64.add (f64.load (i32.add (local.get $a) (local.get $ij))) (f64.load (i32.add (local.get $a) (local.get $ji)))))
            (f64.store (i32.add (local.get $c) (local.get $ij)) (local.get $e))
            (f64.store (i32.add (local.get $c) (local.get $ji)) (local.get $e))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $last))))))
)
