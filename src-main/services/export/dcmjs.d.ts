// dcmjs ships no type declarations; the export service uses its data layer (read/write, naturalize).
declare module 'dcmjs';
