;; The machine's peak for the GEMM's instructions, measured alongside it by `npm run bench`: a loop of
;; multiply-adds on 128-bit lanes (f64x2), c ← c·y + x on twelve independent values held in registers,
;; with no memory traffic, so that neither latency nor loads limit it. (Each product reads its
;; accumulator, so the compiler cannot compute it once before the loop.) The benchmark assembles it as
;; it is and with each multiply-add fused, for the two builds of the GEMM. `peak(n)` runs n steps of 12
;; multiply-adds (48 floating-point operations).
(module
  (func (export "peak") (param $n i32) (result f64)
    (local $x v128) (local $y v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128)
    (local $c6 v128) (local $c7 v128) (local $c8 v128) (local $c9 v128) (local $c10 v128) (local $c11 v128)
    (local.set $x (f64x2.splat (f64.convert_i32_s (local.get $n))))
    (local.set $y (f64x2.splat (f64.const 0.999999)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $c0 (f64x2.add (local.get $x) (f64x2.mul (local.get $c0) (local.get $y))))
        (local.set $c1 (f64x2.add (local.get $x) (f64x2.mul (local.get $c1) (local.get $y))))
        (local.set $c2 (f64x2.add (local.get $x) (f64x2.mul (local.get $c2) (local.get $y))))
        (local.set $c3 (f64x2.add (local.get $x) (f64x2.mul (local.get $c3) (local.get $y))))
        (local.set $c4 (f64x2.add (local.get $x) (f64x2.mul (local.get $c4) (local.get $y))))
        (local.set $c5 (f64x2.add (local.get $x) (f64x2.mul (local.get $c5) (local.get $y))))
        (local.set $c6 (f64x2.add (local.get $x) (f64x2.mul (local.get $c6) (local.get $y))))
        (local.set $c7 (f64x2.add (local.get $x) (f64x2.mul (local.get $c7) (local.get $y))))
        (local.set $c8 (f64x2.add (local.get $x) (f64x2.mul (local.get $c8) (local.get $y))))
        (local.set $c9 (f64x2.add (local.get $x) (f64x2.mul (local.get $c9) (local.get $y))))
        (local.set $c10 (f64x2.add (local.get $x) (f64x2.mul (local.get $c10) (local.get $y))))
        (local.set $c11 (f64x2.add (local.get $x) (f64x2.mul (local.get $c11) (local.get $y))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    ;; The sum is returned, so that no accumulator is dead code.
    (f64x2.extract_lane 0
      (f64x2.add
        (f64x2.add (f64x2.add (f64x2.add (local.get $c0) (local.get $c1)) (f64x2.add (local.get $c2) (local.get $c3)))
          (f64x2.add (f64x2.add (local.get $c4) (local.get $c5)) (f64x2.add (local.get $c6) (local.get $c7))))
        (f64x2.add (f64x2.add (local.get $c8) (local.get $c9)) (f64x2.add (local.get $c10) (local.get $c11)))))))
