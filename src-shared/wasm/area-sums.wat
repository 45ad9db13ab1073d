;; Block sums for area-average downscaling, in WebAssembly (SIMD for the 8-bit case). The source of
;; src-shared/wasm/area-sums.wasm.ts (regenerate: `npm run build:wasm`; a unit test checks that the
;; two match). All pointers are byte offsets into the exported memory; the caller lays the arrays out.
;; Integer sums, so every function gives exactly what the plain JavaScript loops give.
(module
  (memory (export "memory") 1)

  ;; out[ty*tw + tx] = sum of the bytes src[y*srcW + x] over rowStart[ty] <= y < rowStart[ty+1] and
  ;; colStart[tx] <= x < colStart[tx+1]. colStart/rowStart: i32 arrays (tw+1, th+1 entries); out: u32.
  ;; colsum: scratch of 2*srcW bytes (+16). Each column's sum within a block row is kept in a 16-bit lane,
  ;; so a block may have at most 257 rows (257 x 255 = 65535).
  (func (export "blockSumsU8")
    (param $src i32) (param $srcW i32) (param $colStart i32) (param $rowStart i32)
    (param $tw i32) (param $th i32) (param $colsum i32) (param $out i32)
    (local $ty i32) (local $tx i32) (local $x i32) (local $p i32) (local $end i32)
    (local $lo v128) (local $hi v128) (local $v v128) (local $y0 i32) (local $y1 i32)
    (local $s i32) (local $c i32) (local $cEnd i32) (local $o i32) (local $vec i32)
    ;; the last x where a whole 16-byte vector fits in the row
    (local.set $vec (i32.and (local.get $srcW) (i32.const -16)))
    (local.set $o (local.get $out))
    (local.set $ty (i32.const 0))
    (block $doneRows (loop $rows
      (br_if $doneRows (i32.ge_u (local.get $ty) (local.get $th)))
      (local.set $y0 (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $ty) (i32.const 2)))))
      (local.set $y1 (i32.load (i32.add (local.get $rowStart) (i32.shl (i32.add (local.get $ty) (i32.const 1)) (i32.const 2)))))
      ;; column sums of this block row, 16 columns at a time, down the rows in registers
      (local.set $x (i32.const 0))
      (block $doneVec (loop $vecs
        (br_if $doneVec (i32.ge_u (local.get $x) (local.get $vec)))
        (local.set $lo (v128.const i32x4 0 0 0 0))
        (local.set $hi (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $src) (i32.add (i32.mul (local.get $y0) (local.get $srcW)) (local.get $x))))
        (local.set $end (i32.add (local.get $src) (i32.add (i32.mul (local.get $y1) (local.get $srcW)) (local.get $x))))
        (block $doneDown (loop $down
          (br_if $doneDown (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $v (v128.load align=1 (local.get $p)))
          (local.set $lo (i16x8.add (local.get $lo) (i16x8.extend_low_i8x16_u (local.get $v))))
          (local.set $hi (i16x8.add (local.get $hi) (i16x8.extend_high_i8x16_u (local.get $v))))
          (local.set $p (i32.add (local.get $p) (local.get $srcW)))
          (br $down)))
        (v128.store align=2 (i32.add (local.get $colsum) (i32.shl (local.get $x) (i32.const 1))) (local.get $lo))
        (v128.store align=2 (i32.add (local.get $colsum) (i32.add (i32.shl (local.get $x) (i32.const 1)) (i32.const 16))) (local.get $hi))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $vecs)))
      ;; the last few columns one by one
      (block $doneTail (loop $tail
        (br_if $doneTail (i32.ge_u (local.get $x) (local.get $srcW)))
        (local.set $s (i32.const 0))
        (local.set $p (i32.add (local.get $src) (i32.add (i32.mul (local.get $y0) (local.get $srcW)) (local.get $x))))
        (local.set $end (i32.add (local.get $src) (i32.add (i32.mul (local.get $y1) (local.get $srcW)) (local.get $x))))
        (block $doneTailDown (loop $tailDown
          (br_if $doneTailDown (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
          (local.set $p (i32.add (local.get $p) (local.get $srcW)))
          (br $tailDown)))
        (i32.store16 (i32.add (local.get $colsum) (i32.shl (local.get $x) (i32.const 1))) (local.get $s))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $tail)))
      ;; each output block: the sum of its columns' sums
      (local.set $tx (i32.const 0))
      (block $doneCols (loop $cols
        (br_if $doneCols (i32.ge_u (local.get $tx) (local.get $tw)))
        (local.set $c (i32.add (local.get $colsum) (i32.shl (i32.load (i32.add (local.get $colStart) (i32.shl (local.get $tx) (i32.const 2)))) (i32.const 1))))
        (local.set $cEnd (i32.add (local.get $colsum) (i32.shl (i32.load (i32.add (local.get $colStart) (i32.shl (i32.add (local.get $tx) (i32.const 1)) (i32.const 2)))) (i32.const 1))))
        (local.set $s (i32.const 0))
        (block $doneSum (loop $sum
          (br_if $doneSum (i32.ge_u (local.get $c) (local.get $cEnd)))
          (local.set $s (i32.add (local.get $s) (i32.load16_u (local.get $c))))
          (local.set $c (i32.add (local.get $c) (i32.const 2)))
          (br $sum)))
        (i32.store (local.get $o) (local.get $s))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (local.set $tx (i32.add (local.get $tx) (i32.const 1)))
        (br $cols)))
      (local.set $ty (i32.add (local.get $ty) (i32.const 1)))
      (br $rows)))
  )

  ;; The same block sums of lut[src[i] - base] for 16-bit (`$shift` 1) or 8-bit (`$shift` 0) pixels,
  ;; every value first clamped to the table (0..lutLast). out (u32) is overwritten.
  (func (export "blockSumsLut")
    (param $src i32) (param $shift i32) (param $srcW i32) (param $colStart i32) (param $rowStart i32)
    (param $tw i32) (param $th i32) (param $lut i32) (param $base i32) (param $lutLast i32) (param $out i32)
    (local $ty i32) (local $tx i32) (local $y i32) (local $y1 i32) (local $row i32) (local $p i32)
    (local $end i32) (local $s i32) (local $o i32) (local $v i32) (local $step i32) (local $rowO i32)
    (local.set $step (i32.shl (i32.const 1) (local.get $shift)))
    (local.set $ty (i32.const 0))
    (block $doneRows (loop $rows
      (br_if $doneRows (i32.ge_u (local.get $ty) (local.get $th)))
      (local.set $rowO (i32.add (local.get $out) (i32.shl (i32.mul (local.get $ty) (local.get $tw)) (i32.const 2))))
      ;; zero this block row's sums
      (memory.fill (local.get $rowO) (i32.const 0) (i32.shl (local.get $tw) (i32.const 2)))
      (local.set $y (i32.load (i32.add (local.get $rowStart) (i32.shl (local.get $ty) (i32.const 2)))))
      (local.set $y1 (i32.load (i32.add (local.get $rowStart) (i32.shl (i32.add (local.get $ty) (i32.const 1)) (i32.const 2)))))
      (block $doneY (loop $ys
        (br_if $doneY (i32.ge_u (local.get $y) (local.get $y1)))
        (local.set $row (i32.add (local.get $src) (i32.shl (i32.mul (local.get $y) (local.get $srcW)) (local.get $shift))))
        (local.set $o (local.get $rowO))
        (local.set $tx (i32.const 0))
        (block $doneCols (loop $cols
          (br_if $doneCols (i32.ge_u (local.get $tx) (local.get $tw)))
          (local.set $p (i32.add (local.get $row) (i32.shl (i32.load (i32.add (local.get $colStart) (i32.shl (local.get $tx) (i32.const 2)))) (local.get $shift))))
          (local.set $end (i32.add (local.get $row) (i32.shl (i32.load (i32.add (local.get $colStart) (i32.shl (i32.add (local.get $tx) (i32.const 1)) (i32.const 2)))) (local.get $shift))))
          (local.set $s (i32.const 0))
          (if (local.get $shift)
            (then
              (block $done16 (loop $px16
                (br_if $done16 (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $v (i32.sub (i32.load16_u (local.get $p)) (local.get $base)))
                (local.set $v (select (local.get $v) (local.get $lutLast) (i32.le_u (local.get $v) (local.get $lutLast))))
                (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $lut) (local.get $v)))))
                (local.set $p (i32.add (local.get $p) (i32.const 2)))
                (br $px16))))
            (else
              (block $done8 (loop $px8
                (br_if $done8 (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $v (i32.sub (i32.load8_u (local.get $p)) (local.get $base)))
                (local.set $v (select (local.get $v) (local.get $lutLast) (i32.le_u (local.get $v) (local.get $lutLast))))
                (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $lut) (local.get $v)))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $px8)))))
          (i32.store (local.get $o) (i32.add (i32.load (local.get $o)) (local.get $s)))
          (local.set $o (i32.add (local.get $o) (i32.const 4)))
          (local.set $tx (i32.add (local.get $tx) (i32.const 1)))
          (br $cols)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $ys)))
      (local.set $ty (i32.add (local.get $ty) (i32.const 1)))
      (br $rows)))
  )

  ;; counts[v - min] += 1 for each of the n 16-bit values at src, for values within 0..countsLast after
  ;; subtracting min (others are not counted). Four interleaved tables (at counts + k * 4 * (countsLast+1))
  ;; so that runs of equal values do not wait on one counter; the caller zeroes all four and adds them.
  (func (export "valueCountsU16")
    (param $src i32) (param $n i32) (param $min i32) (param $counts i32) (param $countsLast i32)
    (local $p i32) (local $end i32) (local $stride i32) (local $v i32) (local $a i32)
    (local.set $stride (i32.shl (i32.add (local.get $countsLast) (i32.const 1)) (i32.const 2)))
    (local.set $p (local.get $src))
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 1))))
    (block $done4 (loop $four
      (br_if $done4 (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $v (i32.sub (i32.load16_u (local.get $p)) (local.get $min)))
      (if (i32.le_u (local.get $v) (local.get $countsLast)) (then
        (local.set $a (i32.add (local.get $counts) (i32.shl (local.get $v) (i32.const 2))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))))
      (local.set $v (i32.sub (i32.load16_u offset=2 (local.get $p)) (local.get $min)))
      (if (i32.le_u (local.get $v) (local.get $countsLast)) (then
        (local.set $a (i32.add (i32.add (local.get $counts) (local.get $stride)) (i32.shl (local.get $v) (i32.const 2))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))))
      (local.set $v (i32.sub (i32.load16_u offset=4 (local.get $p)) (local.get $min)))
      (if (i32.le_u (local.get $v) (local.get $countsLast)) (then
        (local.set $a (i32.add (i32.add (local.get $counts) (i32.shl (local.get $stride) (i32.const 1))) (i32.shl (local.get $v) (i32.const 2))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))))
      (local.set $v (i32.sub (i32.load16_u offset=6 (local.get $p)) (local.get $min)))
      (if (i32.le_u (local.get $v) (local.get $countsLast)) (then
        (local.set $a (i32.add (i32.add (local.get $counts) (i32.mul (local.get $stride) (i32.const 3))) (i32.shl (local.get $v) (i32.const 2))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br $four)))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 1))))
    (block $done (loop $one
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $v (i32.sub (i32.load16_u (local.get $p)) (local.get $min)))
      (if (i32.le_u (local.get $v) (local.get $countsLast)) (then
        (local.set $a (i32.add (local.get $counts) (i32.shl (local.get $v) (i32.const 2))))
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))))
      (local.set $p (i32.add (local.get $p) (i32.const 2)))
      (br $one)))
  )
)
